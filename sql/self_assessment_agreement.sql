-- reads: case_audits
-- writes: self_assessment_agreement
-- self_assessment_agreement: the force's own rating of a case against the inspection's, as
-- a cross-tabulation in long form (one row per inspection x force_rating x rating present).
CREATE OR REPLACE TABLE self_assessment_agreement AS
SELECT
    inspection_id,
    force,
    force_rating,
    rating,
    count(*) AS cases
FROM case_audits
WHERE force_rating IS NOT NULL
GROUP BY inspection_id, force, force_rating, rating
ORDER BY inspection_id, force_rating, rating;
