/*
grain = "one row per inspection x metric"
description = "Stable view of trends for dashboards."
materialized = "view"
columns_from = "trends"  # the same columns, in order, with their words
*/
-- v_trends: each inspection's headline figures against the same force's previous inspection,
-- with the change, its 95% interval and its verdict.
SELECT force, framework, metric, inspection_id, inspection_date, numerator, denominator, pct, ci_low,
       ci_high, previous_inspection_id, previous_inspection_date, previous_framework,
       previous_numerator,
       previous_denominator, previous_pct, change_pct_points, change_ci_low, change_ci_high,
       change_verdict, small_numbers, change_small_numbers, metric_order
FROM trends;
