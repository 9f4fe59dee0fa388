/*
grain = "one row per publish x figure that it revised, added or withdrew"
description = """
Public view of figure_revisions: every revision of a headline figure, when and why in
words, with the old and new values; no file names and no case keys (those stay in
figure_revisions and revision_cases)."""
materialized = "view"

columns_from = "figure_revisions"  # the columns it selects, with their types and words

[columns]
revised_on = ["DATE", "The day the revision was published (UTC)."]
*/
-- v_revisions: the public revision history of the headline figures, newest first.
SELECT CAST(timezone('UTC', revised_at) AS DATE) AS revised_on, run_id, inspection_id, force,
       framework, metric, change, reason, previous_numerator, previous_denominator,
       previous_pct, numerator, denominator, pct
FROM figure_revisions
ORDER BY revised_at DESC, inspection_id, metric;
