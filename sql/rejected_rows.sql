-- rejected_rows: one row per (rejected row, reason). Input: `quarantine_reasons`.
-- The provider's case_ref is kept here, and only here, so the provider can fix the row.
CREATE OR REPLACE TABLE rejected_rows AS
SELECT
    source_file::VARCHAR            AS source_file,
    CAST(source_row AS INTEGER)     AS source_row,
    inspection_id::VARCHAR          AS inspection_id,
    case_ref::VARCHAR               AS case_ref,
    column_name::VARCHAR            AS column_name,
    rule::VARCHAR                   AS rule,
    message::VARCHAR                AS message,
    value::VARCHAR                  AS value
FROM quarantine_reasons
ORDER BY source_file, source_row, column_name, rule;
