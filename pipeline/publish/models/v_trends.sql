/*
grain = "one row per inspection x metric"
description = "Stable view of trends for dashboards."
materialized = "view"

[columns]
force = "VARCHAR"
metric = "VARCHAR"
inspection_id = "VARCHAR"
inspection_date = ["DATE", "The inspection's last audit_date."]
numerator = "BIGINT"
denominator = "BIGINT"
pct = "DOUBLE"
ci_low = "DOUBLE"
ci_high = "DOUBLE"
previous_inspection_id = ["VARCHAR", "The force's previous inspection; NULL for its first."]
previous_inspection_date = ["DATE", "Its inspection_date."]
previous_numerator = ["BIGINT", "Its numerator for the same metric."]
previous_denominator = ["BIGINT", "Its denominator."]
previous_pct = ["DOUBLE", "Its pct for the same metric."]
change_pct_points = ["DOUBLE", "pct - previous_pct, in percentage points."]
change_ci_low = [
    "DOUBLE",
    """
    Lower bound of the 95% interval of the change, in percentage points, one decimal
    (Newcombe's hybrid score method).""",
]
change_ci_high = ["DOUBLE", "Upper bound of that interval."]
change_verdict = [
    "VARCHAR",
    """
    rose or fell when the interval of the change lies wholly above or below 0; no clear
    change otherwise; NULL for a first inspection or an empty share.""",
]
small_numbers = "BOOLEAN"
change_small_numbers = [
    "BOOLEAN",
    """
    Either inspection's denominator is below small_numbers_minimum(): the change rests
    on too few cases.""",
]
metric_order = ["INTEGER", "Display order of the metric (1 = cases_audited)."]
*/
-- v_trends: each inspection's headline figures against the same force's previous inspection,
-- with the change, its 95% interval and its verdict.
SELECT force, metric, inspection_id, inspection_date, numerator, denominator, pct, ci_low,
       ci_high, previous_inspection_id, previous_inspection_date, previous_numerator,
       previous_denominator, previous_pct, change_pct_points, change_ci_low, change_ci_high,
       change_verdict, small_numbers, change_small_numbers, metric_order
FROM trends;
