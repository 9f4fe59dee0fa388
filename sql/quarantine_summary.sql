-- reads: rejected_rows
-- writes: quarantine_summary
-- quarantine_summary: for data providers, what to fix where: one row per file x rule x
-- column, with how many rows and the first spreadsheet rows to look at.
CREATE OR REPLACE TABLE quarantine_summary AS
SELECT
    source_file,
    rule,
    column_name,
    count(DISTINCT source_row)                                          AS rows,
    any_value(message)                                                  AS message,
    array_to_string(list_sort(list_distinct(list(source_row)))[1:10], ', ') AS first_rows
FROM rejected_rows
GROUP BY source_file, rule, column_name
ORDER BY source_file, rows DESC, rule, column_name;
