/*
grain = "one row per input file x quarantine reason (or per file)"
description = "Per input file: what loaded, what was refused or quarantined, and why."
materialized = "view"

[columns]
source_file = "VARCHAR"
status = ["VARCHAR", "loaded or refused."]
rows_read = ["INTEGER", "Data rows read."]
rows_loaded = ["INTEGER", "Rows loaded."]
rows_rejected = ["INTEGER", "Rows quarantined."]
refusal_rule = ["VARCHAR", "Why the file was refused; NULL when loaded."]
file_message = ["VARCHAR", "The refusal reason or dropped columns."]
rule = ["VARCHAR", "A quarantine rule seen in the file; NULL when none."]
column_name = "VARCHAR"
rule_rows = ["BIGINT", "Rows of the file with this reason."]
first_rows = ["VARCHAR", "Up to ten of those row numbers."]
rule_message = ["VARCHAR", "What is wrong and what to do."]
*/
-- v_data_quality: per input file, what loaded, what was refused or quarantined and why.
SELECT f.source_file, f.status, f.rows_read, f.rows_loaded, f.rows_rejected,
       f.rule AS refusal_rule, f.message AS file_message,
       q.rule, q.column_name, q.rows AS rule_rows, q.first_rows, q.message AS rule_message
FROM file_loads AS f
LEFT JOIN quarantine_summary AS q USING (source_file);
