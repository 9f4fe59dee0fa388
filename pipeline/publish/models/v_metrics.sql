/*
grain = "one row per framework x metric"
description = "Stable view of metrics: every framework's headline metrics, in SQL and in words."
materialized = "view"
columns_from = "metrics"  # the same columns, in order, with their words
*/
-- v_metrics: the headline metrics of every framework, for dashboards (their definitions).
SELECT framework, metric, label, numerator, denominator, description, metric_order, trend, overview
FROM metrics;
