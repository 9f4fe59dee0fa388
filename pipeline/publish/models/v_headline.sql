/*
grain = "one row per inspection x metric"
description = "Stable view of headline_figures for dashboards."
materialized = "view"

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
metric = ["VARCHAR", "Metric name (see the metric table in this document)."]
numerator = "BIGINT"
denominator = "BIGINT"
pct = "DOUBLE"
ci_low = "DOUBLE"
ci_high = "DOUBLE"
metric_order = ["INTEGER", "Display order of the metric (1 = cases_audited)."]
small_numbers = "BOOLEAN"
*/
-- v_headline: the headline figures per inspection, for dashboards. Stable columns.
SELECT inspection_id, force, metric, numerator, denominator, pct, ci_low, ci_high, metric_order,
       small_numbers
FROM headline_figures;
