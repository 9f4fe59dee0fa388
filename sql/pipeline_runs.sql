-- reads: nothing
-- writes: pipeline_runs
-- pipeline_runs: one row per finished run (success or failure), carried from run to run.
-- Created once; rows are only ever added (see pipeline/operations/history.py).
CREATE TABLE IF NOT EXISTS pipeline_runs (
    run_id             VARCHAR PRIMARY KEY,
    status             VARCHAR NOT NULL,   -- success | failure
    trigger            VARCHAR,            -- cli | schedule:<name> | sensor:<name> | manual
    started_at         TIMESTAMPTZ,
    finished_at        TIMESTAMPTZ,
    files_seen         INTEGER,
    files_refused      INTEGER,
    rows_loaded        BIGINT,
    rows_rejected      BIGINT,
    checks_passed      INTEGER,
    checks_failed      INTEGER,
    figures_changed    BOOLEAN,            -- headline_figures differ from the previous publish
    input_changes      VARCHAR,            -- files added, changed, removed since that publish
    input_fingerprint  VARCHAR,            -- sha256 over the sorted (file, sha256) pairs
    failed_asset       VARCHAR,
    error_summary      VARCHAR
);
