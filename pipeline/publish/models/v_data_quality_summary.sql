/*
grain = "one row for the run, per refusal rule, per row rule"
description = """
The public data-quality figures (the data_quality feed): the run's totals, files refused per
rule, files and rows quarantined per rule. No file names and no counts per file, which could
reveal a suppressed area count when files map to areas."""
materialized = "view"

[columns]
level = ["VARCHAR", "run (totals), file (a refusal rule) or row (a row rule)."]
rule = ["VARCHAR", "The rule; `all` on the run's row."]
column_name = ["VARCHAR", "The column a row rule blames; NULL otherwise."]
files = ["BIGINT", "Files seen (run), refused (file) or with such rows (row)."]
rows_read = ["BIGINT", "Data rows read in the run (run row only)."]
rows_loaded = ["BIGINT", "Rows loaded in the run (run row only)."]
rows_rejected = ["BIGINT", "Rows quarantined in the run, or with this rule."]
*/
-- v_data_quality_summary: the public data-quality figures of a run (the data_quality feed and
-- the dashboard): the run's totals, files refused per refusal rule, and files and rows
-- quarantined per row rule and column. No file name and no count per file: when files map to
-- areas, a file's row count is an area's count, which disclosure control may have suppressed
-- (docs/data-protection.md). Per-file detail stays in the warehouse: v_data_quality.
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
