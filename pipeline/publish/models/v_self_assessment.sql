/*
grain = "one row per inspection with self-assessed cases"
description = "Stable view of self_assessment_kappa for dashboards."
materialized = "view"

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
cases = ["BIGINT", "Cases with a force_rating."]
cases_agreeing = ["BIGINT", "Cases where both judged it the same way."]
force_acceptable = ["BIGINT", "Cases the force rated good or adequate."]
inspection_acceptable = ["BIGINT", "Of those cases, the ones the inspection rated good."]
observed_agreement = ["DOUBLE", "cases_agreeing / cases, three decimals."]
expected_agreement = ["DOUBLE", "Agreement expected by chance, three decimals."]
kappa = [
    "DOUBLE",
    """
    (observed - expected) / (1 - expected), three decimals; NULL when expected is 1.""",
]
kappa_low = [
    "DOUBLE",
    """
    Lower bound of kappa's 95% interval (large-sample standard error, Fleiss, Cohen and
    Everitt 1969), cut at -1.""",
]
kappa_high = ["DOUBLE", "Upper bound, cut at 1."]
agreement = [
    "VARCHAR",
    """
    kappa in words (Landis and Koch): poor (below 0), slight (to 0.2), fair (to 0.4),
    moderate (to 0.6), substantial (to 0.8), almost perfect.""",
]
*/
-- v_self_assessment: agreement of the force's self-assessment with the inspection (kappa).
SELECT inspection_id, force, cases, cases_agreeing, force_acceptable, inspection_acceptable,
       observed_agreement, expected_agreement, kappa, kappa_low, kappa_high, agreement
FROM self_assessment_kappa;
