/*
grain = "one row per inspection with self-assessed cases"
description = """
Cohen's kappa of the force's self-assessment against the inspection, on the shared question
'handled acceptably?' (force: one of its framework's favourable levels; inspection: not one
of its not-good levels)."""

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
cases = ["BIGINT", "Cases with a force_rating."]
cases_agreeing = ["BIGINT", "Cases where both judged it the same way."]
force_acceptable = ["BIGINT", "Cases the force rated at a favourable level."]
inspection_acceptable = ["BIGINT", "Of those cases, the ones the inspection did not rate not good."]
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
-- self_assessment_kappa: how far the force's self-assessment agrees with the inspection,
-- per inspection, beyond chance (Cohen's kappa). The two scales may differ (ncpi@2016's
-- force also uses `adequate`), so agreement is judged on one shared question: was the case
-- handled acceptably? Force: a favourable level; inspection: not a not-good level (the two
-- predicates of the case's framework).
-- kappa = (observed - expected) / (1 - expected); NULL when expected agreement is 1. Its 95%
-- interval is kappa +/- 1.96 x its large-sample standard error (Fleiss, Cohen and Everitt
-- 1969, as statsmodels' cohens_kappa computes it), cut to [-1, 1]; agreement puts kappa in
-- words (Landis and Koch 1977).
WITH cases AS (
    SELECT *, {{ predicates }}
    FROM case_audits
), judged AS (
    SELECT
        inspection_id,
        force,
        favourable   AS force_acceptable,
        NOT not_good AS inspection_acceptable
    FROM cases
    WHERE force_rating IS NOT NULL
), tallies AS (
    SELECT
        inspection_id,
        force,
        count(*)                                                          AS cases,
        count(*) FILTER (WHERE force_acceptable = inspection_acceptable)  AS agree,
        count(*) FILTER (WHERE force_acceptable)                          AS force_yes,
        count(*) FILTER (WHERE inspection_acceptable)                     AS inspection_yes,
        count(*) FILTER (WHERE force_acceptable AND inspection_acceptable) AS both_yes,
        count(*) FILTER (WHERE NOT force_acceptable AND NOT inspection_acceptable) AS both_no
    FROM judged
    GROUP BY inspection_id, force
), rates AS (
    SELECT
        *,
        agree / cases AS observed,
        (force_yes / cases) * (inspection_yes / cases)
          + (1 - force_yes / cases) * (1 - inspection_yes / cases) AS expected
    FROM tallies
), kappas AS (
    SELECT
        *,
        CASE WHEN expected < 1 THEN (observed - expected) / (1 - expected) END AS k,
        force_yes / cases      AS f1,  -- the force's share judged acceptable
        inspection_yes / cases AS i1   -- the inspection's
    FROM rates
), errors AS (
    -- variance of kappa: (A + B - C) / (1 - expected)^2 / n, over the 2 x 2 table
    SELECT
        *,
        sqrt(greatest((
            both_yes / cases * (1 - (f1 + i1) * (1 - k)) ^ 2
            + both_no / cases * (1 - ((1 - f1) + (1 - i1)) * (1 - k)) ^ 2
            + (1 - k) ^ 2 * ((force_yes - both_yes) / cases * (i1 + (1 - f1)) ^ 2
                             + (inspection_yes - both_yes) / cases * ((1 - i1) + f1) ^ 2)
            - (k - expected * (1 - k)) ^ 2
        ) / (1 - expected) ^ 2 / cases, 0)) AS se
    FROM kappas
)
SELECT
    inspection_id,
    force,
    cases,
    agree                                         AS cases_agreeing,
    force_yes                                     AS force_acceptable,
    inspection_yes                                AS inspection_acceptable,
    round(observed, 3)                            AS observed_agreement,
    round(expected, 3)                            AS expected_agreement,
    round(k, 3)                                   AS kappa,
    round(greatest(k - 1.959963984540054 * se, -1), 3) AS kappa_low,
    round(least(k + 1.959963984540054 * se, 1), 3)     AS kappa_high,
    CASE WHEN k IS NULL THEN NULL
         WHEN k < 0 THEN 'poor'
         WHEN k <= 0.2 THEN 'slight'
         WHEN k <= 0.4 THEN 'fair'
         WHEN k <= 0.6 THEN 'moderate'
         WHEN k <= 0.8 THEN 'substantial'
         ELSE 'almost perfect' END                AS agreement
FROM errors
ORDER BY inspection_id;
