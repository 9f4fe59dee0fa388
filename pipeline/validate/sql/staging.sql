-- Staging, kept in the private staging database (attached as `staging`, never published)
-- between runs so that unchanged input files
-- are not read or validated again. Everything is keyed by the file's content hash (sha256):
-- a renamed file keeps its rows; a changed file gets new ones; a removed file's rows are
-- simply no longer joined (and are deleted). cache_key says under which rules and pseudonym
-- key a file was staged, `frameworks` under which framework files (name@version#sha256; a
-- file with a row naming no known framework also holds `?#` and the catalogue's names): if
-- any of them changes, the file is staged again. So is a file with an audit date after the
-- earlier of staged_on and the run date (its verdicts may differ).
CREATE TABLE IF NOT EXISTS staging.staged_files (
    sha256      VARCHAR PRIMARY KEY,
    cache_key   VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,   -- read | refused
    rows_read   BIGINT NOT NULL,
    rule        VARCHAR,
    message     VARCHAR,
    staged_on   DATE NOT NULL,      -- the run date it was staged under (audit_date_future)
    latest_audit_date DATE,         -- the latest audit date of any of its rows; NULL if none
    frameworks  VARCHAR[] NOT NULL, -- the framework files its rows were judged under
    superseded_on DATE              -- the first run date its content was no longer an input
);
-- every row read, valid or not, as sql/stage_rows.sql stages it in one pass: its keys (for
-- the rules that compare rows), the reasons the row rules found (`failures`, NULL when none)
-- and its typed values (used only when failures IS NULL; audit_date also gives
-- staged_files.latest_audit_date). A row has the columns of its framework; every other
-- framework's are NULL. case_key is computed when case_audits is assembled, so a row's HMAC
-- is computed once, not also kept here.
CREATE TABLE IF NOT EXISTS staging.staged_rows (
    sha256                      VARCHAR NOT NULL,
    source_row                  INTEGER NOT NULL,
    inspection_id               VARCHAR,
    force                       VARCHAR,
    case_ref                    VARCHAR,
    framework                   VARCHAR,  -- name@version; as written when none is known
    failures                    STRUCT(column_name VARCHAR, rule VARCHAR, message VARCHAR, value VARCHAR, hint VARCHAR)[],
    area                        VARCHAR,
    category                    VARCHAR,
    audit_date                  DATE,
    rating                      VARCHAR,
    force_rating                VARCHAR,
{%- for column in framework_columns %}
    {{ column.name }} {{ column.sql_type }},
{%- endfor %}
    synthetic                   BOOLEAN
);
