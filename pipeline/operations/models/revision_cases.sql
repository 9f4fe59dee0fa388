/*
grain = "one row per revision x case that entered or left its numerator or denominator"
description = """
Which cases a revision moved (figure_revisions): by case_key, never the provider's case_ref,
and in the warehouse only (never in a feed). Rows are only ever added."""
materialized = "history"

[columns]
run_id = ["VARCHAR", "The run that published the revision."]
inspection_id = "VARCHAR"
metric = "VARCHAR"
case_key = ["VARCHAR", "The case's key in case_audits (never the provider's case_ref)."]
movement = [
    "VARCHAR",
    "entered_numerator, left_numerator, entered_denominator or left_denominator.",
]
*/
-- Made once, empty; rows are only ever added, by each publish (pipeline/operations/revisions.py).
SELECT
    NULL::VARCHAR AS run_id,
    NULL::VARCHAR AS inspection_id,
    NULL::VARCHAR AS metric,
    NULL::VARCHAR AS case_key,
    NULL::VARCHAR AS movement
WHERE false;
