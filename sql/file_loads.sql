-- reads: case_audits, input_files, rejected_rows, staged_files
-- writes: file_loads
-- file_loads: one row per input file seen. Inputs: input_files (the inventory, with
-- duplicate-content refusals) and staged_files (what reading each content gave); row counts
-- come from the loaded and quarantined rows, so rows_read = rows_loaded + rows_rejected is a
-- real check, not a definition.
CREATE OR REPLACE TABLE file_loads AS
WITH loaded AS (
    SELECT source_file, count(*) AS n FROM case_audits GROUP BY source_file
), rejected AS (
    SELECT source_file, count(DISTINCT source_row) AS n FROM rejected_rows GROUP BY source_file
), outcome AS (
    SELECT
        i.source_file,
        i.sha256,
        coalesce(i.refusal_rule, s.rule)                 AS rule,
        coalesce(i.refusal_message, s.message)           AS message,
        CASE WHEN i.refusal_rule IS NULL AND s.status = 'read' THEN 'loaded' ELSE 'refused' END
                                                         AS status,
        CASE WHEN i.refusal_rule IS NULL THEN s.rows_read ELSE 0 END AS rows_read
    FROM input_files AS i
    LEFT JOIN staged_files AS s USING (sha256)
)
SELECT
    o.source_file::VARCHAR                  AS source_file,
    o.sha256::VARCHAR                       AS sha256,
    o.status::VARCHAR                       AS status,
    CAST(coalesce(o.rows_read, 0) AS INTEGER) AS rows_read,
    CAST(coalesce(l.n, 0) AS INTEGER)       AS rows_loaded,
    CAST(coalesce(j.n, 0) AS INTEGER)       AS rows_rejected,
    o.rule::VARCHAR                         AS rule,
    nullif(o.message, '')::VARCHAR          AS message
FROM outcome AS o
LEFT JOIN loaded AS l USING (source_file)
LEFT JOIN rejected AS j USING (source_file)
ORDER BY o.source_file;
