-- case_audits: one row per valid case, typed and pseudonymised. Inputs: staged_cases (valid
-- rows of every staged file), current_files (this run's files and their names) and
-- cross_row_reasons (rows held back by the rules that compare rows).
CREATE OR REPLACE TABLE case_audits AS
SELECT
    c.inspection_id,
    c.force,
    c.case_key,
    c.area,
    c.category,
    c.audit_date,
    c.rating,
    c.referred_back,
    c.force_rating,
    c.charged,
    c.bail_refused,
    c.detained_until_court,
    c.la_accommodation_requested,
    c.missing_episodes,
    c.cse_risk_assessed,
    f.source_file,
    c.source_row
FROM staged_cases AS c
JOIN current_files AS f USING (sha256)
ANTI JOIN cross_row_reasons AS x USING (sha256, source_row);
-- No ORDER BY: the build runs with insertion order off (faster), so no stored order would
-- survive anyway; a query that needs an order says ORDER BY source_file, source_row.
