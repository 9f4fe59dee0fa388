-- The force's own view against the inspectorate's: one row per force rating, one column per
-- inspection rating, then the chance-corrected agreement (kappa).
SELECT
    a.inspection_id,
    a.force_rating,
    sum(a.cases) FILTER (WHERE a.rating = 'good')                 AS inspected_good,
    sum(a.cases) FILTER (WHERE a.rating = 'requires_improvement') AS inspected_ri,
    sum(a.cases) FILTER (WHERE a.rating = 'inadequate')           AS inspected_inadequate,
    any_value(k.kappa)                                            AS kappa
FROM self_assessment_agreement AS a
JOIN v_self_assessment AS k USING (inspection_id)
GROUP BY a.inspection_id, a.force_rating
ORDER BY a.inspection_id,
         list_position(['good', 'adequate', 'requires_improvement', 'inadequate'], a.force_rating);
