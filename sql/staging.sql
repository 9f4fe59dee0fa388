-- Staging, kept in the private staging database (attached as `staging`, never published)
-- between runs so that unchanged input files
-- are not read or validated again. Everything is keyed by the file's content hash (sha256):
-- a renamed file keeps its rows; a changed file gets new ones; a removed file's rows are
-- simply no longer joined (and are deleted). cache_key says under which rules and pseudonym
-- key a file was staged: if either changes, the file is staged again. So is a file with an
-- audit date after the earlier of staged_on and the run date (its verdicts may differ).
CREATE TABLE IF NOT EXISTS staging.staged_files (
    sha256      VARCHAR PRIMARY KEY,
    cache_key   VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,   -- read | refused
    rows_read   BIGINT NOT NULL,
    rule        VARCHAR,
    message     VARCHAR,
    staged_on   DATE NOT NULL,      -- the run date it was staged under (audit_date_future)
    latest_audit_date DATE          -- the latest audit date of any of its rows; NULL if none
);
-- every valid row, typed and pseudonymised (no case_ref)
CREATE TABLE IF NOT EXISTS staging.staged_cases (
    sha256                      VARCHAR NOT NULL,
    source_row                  INTEGER NOT NULL,
    inspection_id               VARCHAR,
    force                       VARCHAR,
    case_key                    VARCHAR,
    area                        VARCHAR,
    category                    VARCHAR,
    audit_date                  DATE,
    rating                      VARCHAR,
    referred_back               BOOLEAN,
    force_rating                VARCHAR,
    charged                     BOOLEAN,
    bail_refused                BOOLEAN,
    detained_until_court        BOOLEAN,
    la_accommodation_requested  BOOLEAN,
    missing_episodes            INTEGER,
    cse_risk_assessed           BOOLEAN
);
-- the keys of every row read, valid or not, for the rules that compare rows
CREATE TABLE IF NOT EXISTS staging.staged_keys (
    sha256         VARCHAR NOT NULL,
    source_row     INTEGER NOT NULL,
    inspection_id  VARCHAR,
    case_ref       VARCHAR,
    force          VARCHAR
);
-- the reasons found by the rules that look at one row at a time
CREATE TABLE IF NOT EXISTS staging.staged_reasons (
    sha256         VARCHAR NOT NULL,
    source_row     INTEGER NOT NULL,
    inspection_id  VARCHAR,
    case_ref       VARCHAR,
    column_name    VARCHAR,
    rule           VARCHAR,
    message        VARCHAR,
    value          VARCHAR
);
