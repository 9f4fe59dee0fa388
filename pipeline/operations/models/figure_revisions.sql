/*
grain = "one row per publish x figure that it revised, added or withdrew"
description = """
Revisions, never silent: each publish compares its headline figures with those of the
warehouse it replaces, and records every figure whose counts changed (revised), that is new
(added: a new inspection or metric) or that is gone (withdrawn), with the old and new
values, when, the input files the run found added, changed or removed, and how many cases
entered or left the figure's numerator and denominator (which ones: revision_cases). Rows
are only ever added, carried from build to build. The first publish revises nothing."""
materialized = "history"

[columns]
run_id = ["VARCHAR", "The run that published the revision (pipeline_runs)."]
revised_at = ["TIMESTAMP WITH TIME ZONE", "When it was published."]
inspection_id = "VARCHAR"
force = "VARCHAR"
framework = "VARCHAR"
metric = "VARCHAR"
change = ["VARCHAR", "revised, added or withdrawn."]
previous_numerator = ["BIGINT", "The numerator published before; NULL for an added figure."]
previous_denominator = ["BIGINT", "The denominator published before."]
previous_pct = ["DOUBLE", "The percentage published before."]
numerator = ["BIGINT", "The numerator published now; NULL for a withdrawn figure."]
denominator = ["BIGINT", "The denominator published now."]
pct = ["DOUBLE", "The percentage published now."]
cases_entered_numerator = ["INTEGER", "Cases counted now that were not before."]
cases_left_numerator = ["INTEGER", "Cases counted before that are not now."]
cases_entered_denominator = ["INTEGER", "Cases in the denominator now that were not before."]
cases_left_denominator = ["INTEGER", "Cases in the denominator before that are not now."]
input_changes = [
    "VARCHAR",
    "The input files the run found added, changed or removed (file names: warehouse only).",
]
reason = [
    "VARCHAR",
    "Why, in plain words and counts, without file names or case keys (the public feed's).",
]
*/
-- Made once, empty, from the columns below; rows are only ever added, by each publish
-- (pipeline/operations/revisions.py), and carried from build to build.
SELECT
    NULL::VARCHAR     AS run_id,
    NULL::TIMESTAMPTZ AS revised_at,
    NULL::VARCHAR     AS inspection_id,
    NULL::VARCHAR     AS force,
    NULL::VARCHAR     AS framework,
    NULL::VARCHAR     AS metric,
    NULL::VARCHAR     AS change,
    NULL::BIGINT      AS previous_numerator,
    NULL::BIGINT      AS previous_denominator,
    NULL::DOUBLE      AS previous_pct,
    NULL::BIGINT      AS numerator,
    NULL::BIGINT      AS denominator,
    NULL::DOUBLE      AS pct,
    NULL::INTEGER     AS cases_entered_numerator,
    NULL::INTEGER     AS cases_left_numerator,
    NULL::INTEGER     AS cases_entered_denominator,
    NULL::INTEGER     AS cases_left_denominator,
    NULL::VARCHAR     AS input_changes,
    NULL::VARCHAR     AS reason
WHERE false;
