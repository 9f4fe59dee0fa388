/*
grain = "one row per finished run"
materialized = "history"
description = """
The run history, carried from run to run: when the figures last changed and why. Rows are
only ever added."""

[columns]
run_id = ["VARCHAR", "Dagster run id."]
status = ["VARCHAR", "success, partial (it published some parts, then failed) or failure."]
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
-- Made once, empty, from the columns below; rows are only ever added, by the run history
-- (pipeline/operations/history.py), and carried from build to build.
SELECT
    NULL::VARCHAR     AS run_id,
    NULL::VARCHAR     AS status,
    NULL::VARCHAR     AS trigger,
    NULL::TIMESTAMPTZ AS started_at,
    NULL::TIMESTAMPTZ AS finished_at,
    NULL::INTEGER     AS files_seen,
    NULL::INTEGER     AS files_refused,
    NULL::BIGINT      AS rows_loaded,
    NULL::BIGINT      AS rows_rejected,
    NULL::INTEGER     AS checks_passed,
    NULL::INTEGER     AS checks_failed,
    NULL::BOOLEAN     AS figures_changed,
    NULL::VARCHAR     AS input_changes,
    NULL::VARCHAR     AS input_fingerprint,
    NULL::VARCHAR     AS failed_asset,
    NULL::VARCHAR     AS error_summary
WHERE false;
