-- reads: headline_figures
-- writes: v_headline
-- v_headline: the headline figures per inspection, for dashboards. Stable columns.
CREATE OR REPLACE VIEW v_headline AS
SELECT inspection_id, force, metric, numerator, denominator, pct, ci_low, ci_high, metric_order,
       small_numbers
FROM headline_figures;
