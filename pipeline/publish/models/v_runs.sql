/*
grain = "one row per finished run"
description = "The run history, newest first."
materialized = "view"
columns_from = "pipeline_runs"  # the same columns, in order, with their words
*/
-- v_runs: the run history, newest first: when the figures last changed and why.
SELECT run_id, status, trigger, started_at, finished_at, files_seen, files_refused,
       rows_loaded, rows_rejected, checks_passed, checks_failed, figures_changed,
       input_changes, input_fingerprint, failed_asset, error_summary
FROM pipeline_runs
ORDER BY finished_at DESC;
