-- v_headline: the headline figures per inspection, for dashboards. Stable columns.
CREATE OR REPLACE VIEW v_headline AS
SELECT inspection_id, force, metric, metric_order, numerator, denominator, pct, ci_low, ci_high
FROM headline_figures;
