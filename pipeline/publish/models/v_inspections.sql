/*
grain = "one row per inspection loaded"
description = "Stable view of inspections for dashboards: which are synthetic data."
materialized = "view"
columns_from = "inspections"  # the same columns, in order, with their words
*/
-- v_inspections: the inspections loaded, for dashboards: force, cases, dates, synthetic.
SELECT inspection_id, force, framework, cases, first_audit_date, last_audit_date, synthetic
FROM inspections;
