-- reads: file_loads, quarantine_summary
-- writes: v_data_quality
-- v_data_quality: per input file, what loaded, what was refused or quarantined and why.
CREATE OR REPLACE VIEW v_data_quality AS
SELECT f.source_file, f.status, f.rows_read, f.rows_loaded, f.rows_rejected,
       f.rule AS refusal_rule, f.message AS file_message,
       q.rule, q.column_name, q.rows AS rule_rows, q.first_rows, q.message AS rule_message
FROM file_loads AS f
LEFT JOIN quarantine_summary AS q USING (source_file);
