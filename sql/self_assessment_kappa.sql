-- reads: case_audits
-- writes: self_assessment_kappa
-- self_assessment_kappa: how far the force's self-assessment agrees with the inspection,
-- per inspection, beyond chance (Cohen's kappa). The two scales differ (the force also
-- uses `adequate`), so agreement is judged on one shared question: was the case handled
-- acceptably? Force: good or adequate; inspection: good.
-- kappa = (observed - expected) / (1 - expected); NULL when expected agreement is 1.
CREATE OR REPLACE TABLE self_assessment_kappa AS
WITH judged AS (
    SELECT
        inspection_id,
        force,
        force_rating IN ('good', 'adequate') AS force_acceptable,
        rating = 'good'                      AS inspection_acceptable
    FROM case_audits
    WHERE force_rating IS NOT NULL
), tallies AS (
    SELECT
        inspection_id,
        force,
        count(*)                                                          AS cases,
        count(*) FILTER (WHERE force_acceptable = inspection_acceptable)  AS agree,
        count(*) FILTER (WHERE force_acceptable)                          AS force_yes,
        count(*) FILTER (WHERE inspection_acceptable)                     AS inspection_yes
    FROM judged
    GROUP BY inspection_id, force
), rates AS (
    SELECT
        *,
        agree / cases AS observed,
        (force_yes / cases) * (inspection_yes / cases)
          + (1 - force_yes / cases) * (1 - inspection_yes / cases) AS expected
    FROM tallies
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
    CASE WHEN expected < 1 THEN round((observed - expected) / (1 - expected), 3) END AS kappa
FROM rates
ORDER BY inspection_id;
