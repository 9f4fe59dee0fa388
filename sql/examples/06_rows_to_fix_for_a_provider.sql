-- For a data provider: every quarantined row of their files, with what to do, in the order
-- they appear in the spreadsheet. (Add e.g. WHERE source_file LIKE 'northwold/%'.)
SELECT source_file, source_row, case_ref, column_name, rule, message, value
FROM rejected_rows
ORDER BY source_file, source_row, column_name;
