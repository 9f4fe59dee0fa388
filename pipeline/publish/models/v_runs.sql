/*
grain = "one row per finished run"
description = "The run history, newest first."
materialized = "view"

[columns]
run_id = ["VARCHAR", "Dagster run id."]
status = ["VARCHAR", "success or failure."]
trigger = ["VARCHAR", "cli, schedule:<name>, sensor:<name> or manual (UI)."]
started_at = ["TIMESTAMP WITH TIME ZONE", "When the run started."]
finished_at = ["TIMESTAMP WITH TIME ZONE", "When it was recorded as finished."]
files_seen = ["INTEGER", "Files in file_loads (NULL for a failed run)."]
files_refused = ["INTEGER", "Of which refused."]
rows_loaded = ["BIGINT", "Rows loaded into case_audits."]
rows_rejected = ["BIGINT", "Rows quarantined."]
checks_passed = ["INTEGER", "Asset checks that passed in the run."]
checks_failed = ["INTEGER", "Asset checks that failed in the run."]
figures_changed = [
    "BOOLEAN",
    """
    headline_figures counts differ from the previously published warehouse.""",
]
input_changes = [
    "VARCHAR",
    """
    Files added, changed or removed since the previous publish; NULL when none.""",
]
input_fingerprint = [
    "VARCHAR",
    """
    SHA-256 over the sorted (file, sha256) pairs: equal fingerprints, equal inputs.""",
]
failed_asset = ["VARCHAR", "The asset whose step or check failed first."]
error_summary = ["VARCHAR", "The failure in plain words (at most 2,000 characters)."]
*/
-- v_runs: the run history, newest first: when the figures last changed and why.
SELECT run_id, status, trigger, started_at, finished_at, files_seen, files_refused,
       rows_loaded, rows_rejected, checks_passed, checks_failed, figures_changed,
       input_changes, input_fingerprint, failed_asset, error_summary
FROM pipeline_runs
ORDER BY finished_at DESC;
