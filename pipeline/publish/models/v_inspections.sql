/*
grain = "one row per inspection loaded"
description = "Stable view of inspections for dashboards: which are synthetic data."
materialized = "view"

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
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
-- v_inspections: the inspections loaded, for dashboards: force, cases, dates, synthetic.
SELECT inspection_id, force, cases, first_audit_date, last_audit_date, synthetic
FROM inspections;
