-- reads: file_loads, rejected_rows
-- writes: v_data_quality_summary
-- v_data_quality_summary: the public data-quality figures of a run (the data_quality feed and
-- the dashboard): the run's totals, files refused per refusal rule, and files and rows
-- quarantined per row rule and column. No file name and no count per file: when files map to
-- areas, a file's row count is an area's count, which disclosure control may have suppressed
-- (docs/data-protection.md). Per-file detail stays in the warehouse: v_data_quality.
CREATE OR REPLACE VIEW v_data_quality_summary AS
SELECT 'run' AS level, 'all' AS rule, NULL::VARCHAR AS column_name,
       count(*)::BIGINT AS files, sum(rows_read)::BIGINT AS rows_read,
       sum(rows_loaded)::BIGINT AS rows_loaded, sum(rows_rejected)::BIGINT AS rows_rejected
FROM file_loads
UNION ALL
SELECT 'file', rule, NULL, count(*)::BIGINT, NULL, NULL, NULL
FROM file_loads WHERE status = 'refused' GROUP BY rule
UNION ALL
SELECT 'row', rule, column_name, count(DISTINCT source_file)::BIGINT, NULL, NULL,
       count(DISTINCT (source_file, source_row))::BIGINT
FROM rejected_rows GROUP BY rule, column_name
ORDER BY CASE level WHEN 'run' THEN 0 WHEN 'file' THEN 1 ELSE 2 END, rule, column_name;
