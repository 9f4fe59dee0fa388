-- reads: case_audits, headline_figures
-- writes: trends
-- trends: every headline metric of every inspection next to the same force's previous
-- inspection, in date order (an inspection is dated by its last audit_date). The first
-- inspection of a force has no previous one (NULLs). Two 95% intervals that overlap mean the
-- change may be chance.
CREATE OR REPLACE TABLE trends AS
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
        lag(h.inspection_id) OVER w   AS previous_inspection_id,
        lag(d.inspection_date) OVER w AS previous_inspection_date,
        lag(h.pct) OVER w             AS previous_pct,
        lag(h.ci_low) OVER w          AS previous_ci_low,
        lag(h.ci_high) OVER w         AS previous_ci_high
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
    previous_pct,
    round(pct - previous_pct, 1) AS change_pct_points,
    CASE WHEN previous_inspection_id IS NOT NULL
         THEN NOT (ci_low > previous_ci_high OR ci_high < previous_ci_low) END AS intervals_overlap
FROM ordered
ORDER BY force, metric_order, inspection_date, inspection_id;
