-- reads: self_assessment_kappa
-- writes: v_self_assessment
-- v_self_assessment: agreement of the force's self-assessment with the inspection (kappa).
CREATE OR REPLACE VIEW v_self_assessment AS
SELECT inspection_id, force, cases, cases_agreeing, force_acceptable, inspection_acceptable,
       observed_agreement, expected_agreement, kappa, kappa_low, kappa_high, agreement
FROM self_assessment_kappa;
