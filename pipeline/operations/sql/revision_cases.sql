-- The cases that entered or left the numerator or denominator of every figure whose counts
-- changed since the warehouse this publish replaces (attached as `prior`), for run $run_id.
-- Only the cases that may have moved are compared (may_have_moved.sql, made just before).
WITH changed AS (
    SELECT n.inspection_id, n.metric
    FROM main.headline_figures AS n
    JOIN prior.headline_figures AS o USING (inspection_id, metric)
    WHERE (n.numerator, n.denominator) IS DISTINCT FROM (o.numerator, o.denominator)
), now AS (
    SELECT inspection_id, metric, case_key, in_numerator, in_denominator
    FROM (FROM main.metric_cases SEMI JOIN may_have_moved USING (case_key))
    SEMI JOIN changed USING (inspection_id, metric)
), before AS (
    SELECT inspection_id, metric, case_key, in_numerator, in_denominator
    FROM (FROM prior.metric_cases SEMI JOIN may_have_moved USING (case_key))
    SEMI JOIN changed USING (inspection_id, metric)
), compared AS (
    SELECT inspection_id, metric, case_key,
           coalesce(n.in_numerator, false)   AS numerator_now,
           coalesce(b.in_numerator, false)   AS numerator_before,
           coalesce(n.in_denominator, false) AS denominator_now,
           coalesce(b.in_denominator, false) AS denominator_before
    FROM now AS n
    FULL JOIN before AS b USING (inspection_id, metric, case_key)
)
INSERT INTO revision_cases
SELECT $run_id, inspection_id, metric, case_key, movement
FROM compared,
LATERAL (VALUES
    (CASE WHEN numerator_now AND NOT numerator_before THEN 'entered_numerator' END),
    (CASE WHEN numerator_before AND NOT numerator_now THEN 'left_numerator' END),
    (CASE WHEN denominator_now AND NOT denominator_before THEN 'entered_denominator' END),
    (CASE WHEN denominator_before AND NOT denominator_now THEN 'left_denominator' END)
) AS m(movement)
WHERE movement IS NOT NULL;
