-- reads: case_audits
-- writes: inspections
-- inspections: one row per inspection whose cases loaded, with its force, its valid cases,
-- the span of its audit dates and whether its records are synthetic (any row marked
-- `synthetic` by its provider: the shipped sample, `case-audit synth`).
CREATE OR REPLACE TABLE inspections AS
SELECT
    inspection_id,
    force,
    count(*)                          AS cases,
    min(audit_date)                   AS first_audit_date,
    max(audit_date)                   AS last_audit_date,
    coalesce(bool_or(synthetic), false) AS synthetic
FROM case_audits
GROUP BY inspection_id, force
ORDER BY inspection_id, force;
