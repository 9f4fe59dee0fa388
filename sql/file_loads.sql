-- file_loads: one row per input file seen. Input: `file_reports` (from ingest); row counts
-- come from the loaded and quarantined rows, so rows_read = rows_loaded + rows_rejected is a
-- real check, not a definition.
CREATE OR REPLACE TABLE file_loads AS
WITH loaded AS (
    SELECT source_file, count(*) AS n FROM case_audits GROUP BY source_file
), rejected AS (
    SELECT source_file, count(DISTINCT source_row) AS n FROM rejected_rows GROUP BY source_file
)
SELECT
    r.source_file::VARCHAR                                          AS source_file,
    r.sha256::VARCHAR                                               AS sha256,
    CASE r.status WHEN 'refused' THEN 'refused' ELSE 'loaded' END   AS status,
    CAST(r.rows_read AS INTEGER)                                    AS rows_read,
    CAST(coalesce(l.n, 0) AS INTEGER)                               AS rows_loaded,
    CAST(coalesce(j.n, 0) AS INTEGER)                               AS rows_rejected,
    r.rule::VARCHAR                                                 AS rule,
    r.message::VARCHAR                                              AS message
FROM file_reports AS r
LEFT JOIN loaded AS l USING (source_file)
LEFT JOIN rejected AS j USING (source_file)
ORDER BY r.source_file;
