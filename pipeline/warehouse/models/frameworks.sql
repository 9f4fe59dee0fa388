/*
grain = "one row per framework version known to the run"
description = """
The audit frameworks: what each rates and how (schemas/frameworks/ and
CASE_AUDIT_FRAMEWORKS_DIR, one file each; docs/frameworks.md). Every case names one
(case_audits.framework). sha256 identifies the file its figures were made under."""

contract = [  # the product contract's columns (../shared/CONTRACT.md)
    "framework", "name", "version", "title", "rating_levels", "not_good_levels",
    "comparable_with", "sha256",
]

[columns]
framework = "VARCHAR"
name = ["VARCHAR", "The framework's name."]
version = ["VARCHAR", "Its version."]
title = ["VARCHAR", "What it is, in words."]
rating_levels = ["VARCHAR[]", "The inspection's rating levels, best first."]
not_good_levels = ["VARCHAR[]", "The levels that count as not good."]
force_rating_levels = [
    "VARCHAR[]",
    """
    The levels of the force's own rating, best first; empty when the framework has none.""",
]
favourable_levels = ["VARCHAR[]", "The force's levels that count as favourable."]
comparable_with = [
    "VARCHAR[]",
    """
    Other frameworks whose figures may be trended against this one's (either naming the
    other is enough); trends marks every other pair not comparable.""",
]
sha256 = ["VARCHAR", "SHA-256 of the framework's file."]
shipped = ["BOOLEAN", "Shipped with case-audit (else the operator's, from the frameworks folder)."]
*/
-- frameworks: one row per framework of the catalogue, as its file states it.
SELECT * FROM (VALUES
{%- for f in frameworks %}
    ({{ f.key | sql }}, {{ f.name | sql }}, {{ f.version | sql }}, {{ f.title | sql }},
     {{ f.rating.levels | sql }}, {{ f.not_good | sql }}, {{ f.force_levels | sql }},
     {{ f.favourable | sql }}, {{ f.comparable_with | sql }}, {{ f.sha256 | sql }},
     {{ f.shipped | sql }}){{ "," if not loop.last }}
{%- endfor %}
) AS f(framework, name, version, title, rating_levels, not_good_levels, force_rating_levels,
       favourable_levels, comparable_with, sha256, shipped)
ORDER BY framework;
