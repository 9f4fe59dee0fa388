/*
grain = "one row per file x rule x column"
description = """
For data providers: how many rows of each file were quarantined, under which rule and
column, and the first rows to look at."""

[columns]
source_file = "VARCHAR"
rule = "VARCHAR"
column_name = "VARCHAR"
rows = ["BIGINT", "Distinct rows of the file with this reason."]
message = "VARCHAR"
first_rows = ["VARCHAR", "Up to ten of those row numbers, ascending."]
*/
-- quarantine_summary: for data providers, what to fix where: one row per file x rule x
-- column, with how many rows and the first spreadsheet rows to look at.
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
