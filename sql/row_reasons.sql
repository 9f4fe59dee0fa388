-- reads: current_files, rule_messages, staged_rows
-- writes: row_reasons
-- row_reasons: the reasons the rules that look at one row found, one row per (row, column,
-- rule), for the files in current_files. Inputs: staged_rows (their `failures`),
-- current_files, rule_messages (rule, message) from the rule catalogue.
CREATE OR REPLACE TEMP VIEW row_reasons AS
WITH failed AS (
    SELECT sha256, source_row, inspection_id, case_ref, unnest(failures, recursive := true)
    FROM staged_rows
    SEMI JOIN current_files USING (sha256)
    WHERE failures IS NOT NULL
)
SELECT sha256, source_row, inspection_id, case_ref, column_name, rule, m.message, value, hint
FROM failed
JOIN rule_messages AS m USING (rule);
