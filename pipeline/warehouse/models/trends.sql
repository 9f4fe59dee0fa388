/*
grain = "one row per inspection x metric"
description = """
Each inspection's headline figures next to the same force's previous inspection (in order of
inspection_date). The first inspection of a force has NULL previous values."""

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
-- trends: every headline metric of every inspection next to the same force's previous
-- inspection, in date order (an inspection is dated by its last audit_date). The first
-- inspection of a force has no previous one (NULLs). The change carries its own 95%
-- interval (Newcombe's method from the two Wilson intervals) and a verdict read from it:
-- rose or fell when the interval excludes 0, else no clear change. (Two overlapping
-- intervals do not show that a change may be chance: only the interval of the change can.)
WITH dated AS (
    SELECT inspection_id, force, max(audit_date) AS inspection_date
    FROM case_audits
    GROUP BY inspection_id, force
), ordered AS (
    SELECT
        h.force,
        h.metric,
        h.metric_order,
        h.inspection_id,
        d.inspection_date,
        h.numerator,
        h.denominator,
        h.pct,
        h.ci_low,
        h.ci_high,
        h.small_numbers,
        lag(h.inspection_id) OVER w   AS previous_inspection_id,
        lag(d.inspection_date) OVER w AS previous_inspection_date,
        lag(h.numerator) OVER w       AS previous_numerator,
        lag(h.denominator) OVER w     AS previous_denominator,
        lag(h.pct) OVER w             AS previous_pct,
        lag(h.small_numbers) OVER w   AS previous_small_numbers
    FROM headline_figures AS h
    JOIN dated AS d USING (inspection_id, force)
    WINDOW w AS (PARTITION BY h.force, h.metric ORDER BY d.inspection_date, h.inspection_id)
)
SELECT
    force,
    metric,
    inspection_id,
    inspection_date,
    numerator,
    denominator,
    pct,
    ci_low,
    ci_high,
    previous_inspection_id,
    previous_inspection_date,
    previous_numerator,
    previous_denominator,
    previous_pct,
    round(pct - previous_pct, 1)                                                  AS change_pct_points,
    newcombe_low(numerator, denominator, previous_numerator, previous_denominator)  AS change_ci_low,
    newcombe_high(numerator, denominator, previous_numerator, previous_denominator) AS change_ci_high,
    change_verdict(numerator, denominator, previous_numerator, previous_denominator) AS change_verdict,
    small_numbers,
    small_numbers OR previous_small_numbers                                       AS change_small_numbers,
    CAST(metric_order AS INTEGER)                                                 AS metric_order
FROM ordered
ORDER BY force, metric_order, inspection_date, inspection_id;
