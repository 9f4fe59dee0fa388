/*
grain = "one row per inspection loaded"
description = """
Each inspection whose cases loaded: its force, its framework, how many valid cases, the span of its audit
dates, and whether its records are synthetic (invented, such as the shipped sample): figures
of a synthetic inspection are labelled so wherever they are shown."""

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
framework = "VARCHAR"
cases = "BIGINT"
first_audit_date = ["DATE", "The earliest audit date of its cases."]
last_audit_date = [
    "DATE",
    """
    The latest audit date of its cases: the inspection's date in trends.""",
]
synthetic = [
    "BOOLEAN",
    """
    Any of its records is marked synthetic (invented): its figures are not about real
    cases.""",
]
*/
-- inspections: one row per inspection whose cases loaded, with its force, its valid cases,
-- the span of its audit dates and whether its records are synthetic (any row marked
-- `synthetic` by its provider: the shipped sample, `case-audit synth`).
SELECT
    inspection_id,
    force,
    framework,
    count(*)                          AS cases,
    min(audit_date)                   AS first_audit_date,
    max(audit_date)                   AS last_audit_date,
    coalesce(bool_or(synthetic), false) AS synthetic
FROM case_audits
GROUP BY inspection_id, force, framework
ORDER BY inspection_id, force;
