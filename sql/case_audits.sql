-- reads: case_audit_rows
-- writes: case_audits
-- case_audits: one row per valid case, typed and pseudonymised, from every current file
-- (the view case_audit_rows, sql/case_audit_rows.sql, over assembling_files = current_files).
-- No ORDER BY: the build runs with insertion order off (faster), so no stored order would
-- survive anyway; a query that needs an order says ORDER BY source_file, source_row.
CREATE OR REPLACE TABLE case_audits AS
SELECT * FROM case_audit_rows;
