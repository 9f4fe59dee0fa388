-- reads: cross_row_reasons, current_files, row_reasons
-- writes: rejected_rows
-- rejected_rows: one row per (rejected row, reason): the row rules' reasons (row_reasons)
-- and the cross-row rules' (cross_row_reasons), for this run's files.
-- The provider's case_ref is kept here, and only here, so the provider can fix the row.
CREATE OR REPLACE TABLE rejected_rows AS
WITH reasons AS (
    SELECT sha256, source_row, inspection_id, case_ref, column_name, rule, message, value, hint
    FROM row_reasons
    UNION ALL BY NAME
    SELECT sha256, source_row, inspection_id, case_ref, column_name, rule, message, value, hint
    FROM cross_row_reasons
)
SELECT
    f.source_file,
    r.source_row,
    r.inspection_id,
    r.case_ref,
    r.column_name,
    r.rule,
    r.message,
    r.value,
    r.hint
FROM reasons AS r
JOIN current_files AS f USING (sha256)
ORDER BY f.source_file, r.source_row, r.column_name, r.rule;
