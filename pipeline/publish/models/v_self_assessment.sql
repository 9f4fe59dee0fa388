/*
grain = "one row per inspection with self-assessed cases"
description = "Stable view of self_assessment_kappa for dashboards."
materialized = "view"
columns_from = "self_assessment_kappa"  # the same columns, in order, with their words
*/
-- v_self_assessment: agreement of the force's self-assessment with the inspection (kappa).
SELECT inspection_id, force, cases, cases_agreeing, force_acceptable, inspection_acceptable,
       observed_agreement, expected_agreement, kappa, kappa_low, kappa_high, agreement
FROM self_assessment_kappa;
