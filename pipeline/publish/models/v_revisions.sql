/*
grain = "one row per publish x figure that it revised, added or withdrew"
description = """
Public view of figure_revisions: every revision of a headline figure, when and why in
words, with the old and new values; no file names and no case keys (those stay in
figure_revisions and revision_cases)."""
materialized = "view"

[columns]
revised_on = ["DATE", "The day the revision was published (UTC)."]
run_id = ["VARCHAR", "The run that published it (pipeline_runs, the manifest's source_run_id)."]
inspection_id = "VARCHAR"
force = "VARCHAR"
framework = "VARCHAR"
metric = "VARCHAR"
change = ["VARCHAR", "revised, added or withdrawn."]
reason = ["VARCHAR", "Why, in plain words and counts."]
previous_numerator = ["BIGINT", "The numerator published before; NULL for an added figure."]
previous_denominator = ["BIGINT", "The denominator published before."]
previous_pct = ["DOUBLE", "The percentage published before."]
numerator = ["BIGINT", "The numerator published now; NULL for a withdrawn figure."]
denominator = ["BIGINT", "The denominator published now."]
pct = ["DOUBLE", "The percentage published now."]
*/
-- v_revisions: the public revision history of the headline figures, newest first.
SELECT CAST(timezone('UTC', revised_at) AS DATE) AS revised_on, run_id, inspection_id, force,
       framework, metric, change, reason, previous_numerator, previous_denominator,
       previous_pct, numerator, denominator, pct
FROM figure_revisions
ORDER BY revised_at DESC, inspection_id, metric;
