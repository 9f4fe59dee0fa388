-- reads: inspections
-- writes: v_inspections
-- v_inspections: the inspections loaded, for dashboards: force, cases, dates, synthetic.
CREATE OR REPLACE VIEW v_inspections AS
SELECT inspection_id, force, cases, first_audit_date, last_audit_date, synthetic
FROM inspections;
