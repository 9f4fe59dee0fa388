/*
grain = "one row per inspection x metric"
description = """
The contract's headline metrics: cases_audited, cases_not_good, cases_inadequate,
cases_referred_back, missing_good, missing_not_good, custody_detained_after_charge,
cse_not_good, self_assessed_not_good, self_assessed_force_good_or_adequate."""

contract = ["inspection_id", "force", "metric", "numerator", "denominator", "pct"]  # the product contract's columns

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
metric = ["VARCHAR", "Headline metric name; what it counts: the data dictionary's Headline metrics."]
numerator = "BIGINT"
denominator = "BIGINT"
pct = "DOUBLE"
ci_low = "DOUBLE"
ci_high = "DOUBLE"
metric_order = ["INTEGER", "Display order of the metric (1 = cases_audited)."]
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
        metric,
        metric_order,
        count(*) FILTER (WHERE in_numerator)   AS numerator,
        count(*) FILTER (WHERE in_denominator) AS denominator
    FROM metric_cases
    GROUP BY inspection_id, force, metric, metric_order
)
SELECT
    inspection_id,
    force,
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
