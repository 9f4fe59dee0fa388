-- reads: pipeline_runs
-- writes: v_runs
-- v_runs: the run history, newest first: when the figures last changed and why.
CREATE OR REPLACE VIEW v_runs AS
SELECT run_id, status, trigger, started_at, finished_at, files_seen, files_refused,
       rows_loaded, rows_rejected, checks_passed, checks_failed, figures_changed,
       input_changes, input_fingerprint, failed_asset, error_summary
FROM pipeline_runs
ORDER BY finished_at DESC;
