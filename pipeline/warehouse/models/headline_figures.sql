/*
grain = "one row per inspection x metric"
description = """
Each inspection's headline figures: every metric of its framework (table metrics; ncpi@2016:
the ten of the contract)."""

contract = [  # the product contract's columns
    "inspection_id", "force", "framework", "metric", "numerator", "denominator", "pct",
]

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
framework = "VARCHAR"
metric = ["VARCHAR", "Headline metric name; what it counts: table metrics, the data dictionary."]
numerator = "BIGINT"
denominator = "BIGINT"
pct = "DOUBLE"
ci_low = "DOUBLE"
ci_high = "DOUBLE"
metric_order = ["INTEGER", "Display order of the metric in its framework (1 first)."]
small_numbers = "BOOLEAN"
*/
-- headline_figures: one row per inspection x metric, as defined in the data contract, counted
-- from metric_cases (where each metric is defined case by case). pct is 0-100 rounded to one
-- decimal, with its 95% Wilson interval (ci_low, ci_high); all three NULL where the
-- denominator is 0. small_numbers: the denominator is below small_numbers_minimum().
WITH counted AS (
    SELECT
        inspection_id,
        force,
        framework,
        metric,
        metric_order,
        count(*) FILTER (WHERE in_numerator)   AS numerator,
        count(*) FILTER (WHERE in_denominator) AS denominator
    FROM metric_cases
    GROUP BY inspection_id, force, framework, metric, metric_order
)
SELECT
    inspection_id,
    force,
    framework,
    metric,
    CAST(numerator AS BIGINT)           AS numerator,
    CAST(denominator AS BIGINT)         AS denominator,
    percent(numerator, denominator)     AS pct,
    wilson_low(numerator, denominator)  AS ci_low,
    wilson_high(numerator, denominator) AS ci_high,
    CAST(metric_order AS INTEGER)       AS metric_order,
    small_number(denominator)           AS small_numbers
FROM counted
ORDER BY inspection_id, metric_order;
