/*
grain = "one row per inspection x metric"
description = "Stable view of headline_figures for dashboards."
materialized = "view"
columns_from = "headline_figures"  # the same columns, in order, with their words
*/
-- v_headline: the headline figures per inspection, for dashboards. Stable columns.
SELECT inspection_id, force, framework, metric, numerator, denominator, pct, ci_low, ci_high, metric_order,
       small_numbers
FROM headline_figures;
