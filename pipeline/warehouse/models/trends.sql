/*
grain = "one row per inspection x metric"
description = """
Each inspection's headline figures next to the same force's previous inspection (in order of
inspection_date). The first inspection of a force has NULL previous values. A previous
inspection under a framework this one's cannot be compared with (neither names the other in
comparable_with) gives no previous figures, no change and the verdict not comparable."""

[columns]
force = "VARCHAR"
framework = "VARCHAR"
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
previous_framework = ["VARCHAR", "Its framework."]
previous_numerator = [
    "BIGINT",
    """
    Its numerator for the same metric; NULL when its framework is not comparable or it has
    no such metric.""",
]
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
    change otherwise; not comparable when the previous inspection's framework cannot be
    compared with this one's; NULL for a first inspection, an empty share or a metric the
    previous inspection does not have.""",
]
small_numbers = "BOOLEAN"
change_small_numbers = [
    "BOOLEAN",
    """
    Either inspection's denominator is below small_numbers_minimum(): the change rests
    on too few cases.""",
]
metric_order = ["INTEGER", "Display order of the metric in its framework (1 first)."]
*/
-- trends: every headline metric of every inspection next to the same force's previous
-- inspection, in date order (an inspection is dated by its last audit_date). The first
-- inspection of a force has no previous one (NULLs). A previous inspection is compared only
-- when its framework is this one's or either names the other in comparable_with (table
-- frameworks); otherwise the row says `not comparable` and carries no previous figure, change
-- or interval. The change carries its own 95% interval (Newcombe's method from the two
-- Wilson intervals) and a verdict read from it: rose or fell when the interval excludes 0,
-- else no clear change. (Two overlapping intervals do not show that a change may be chance:
-- only the interval of the change can.)
WITH dated AS (
    SELECT inspection_id, force, framework, max(audit_date) AS inspection_date
    FROM case_audits
    GROUP BY inspection_id, force, framework
), sequenced AS (
    SELECT
        *,
        lag(inspection_id) OVER w   AS previous_inspection_id,
        lag(inspection_date) OVER w AS previous_inspection_date,
        lag(framework) OVER w       AS previous_framework
    FROM dated
    WINDOW w AS (PARTITION BY force ORDER BY inspection_date, inspection_id)
), judged AS (
    SELECT
        s.*,
        s.previous_framework = s.framework OR EXISTS (
            SELECT 1 FROM frameworks AS f
            WHERE (f.framework = s.framework
                   AND list_contains(f.comparable_with, s.previous_framework))
               OR (f.framework = s.previous_framework
                   AND list_contains(f.comparable_with, s.framework))
        ) AS comparable
    FROM sequenced AS s
), ordered AS (
    SELECT
        h.force,
        h.framework,
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
        d.previous_inspection_id,
        d.previous_inspection_date,
        d.previous_framework,
        d.previous_inspection_id IS NOT NULL AND NOT d.comparable AS incomparable,
        p.numerator     AS previous_numerator,
        p.denominator   AS previous_denominator,
        p.pct           AS previous_pct,
        p.small_numbers AS previous_small_numbers
    FROM headline_figures AS h
    JOIN judged AS d USING (inspection_id, force, framework)
    LEFT JOIN headline_figures AS p
           ON d.comparable AND p.inspection_id = d.previous_inspection_id
          AND p.force = h.force AND p.metric = h.metric
)
SELECT
    force,
    framework,
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
    previous_framework,
    previous_numerator,
    previous_denominator,
    previous_pct,
    round(pct - previous_pct, 1)                                                  AS change_pct_points,
    newcombe_low(numerator, denominator, previous_numerator, previous_denominator)  AS change_ci_low,
    newcombe_high(numerator, denominator, previous_numerator, previous_denominator) AS change_ci_high,
    CASE WHEN incomparable THEN 'not comparable'
         ELSE change_verdict(numerator, denominator, previous_numerator, previous_denominator)
         END                                                                      AS change_verdict,
    small_numbers,
    small_numbers OR previous_small_numbers                                       AS change_small_numbers,
    CAST(metric_order AS INTEGER)                                                 AS metric_order
FROM ordered
ORDER BY force, framework, metric_order, inspection_date, inspection_id;
