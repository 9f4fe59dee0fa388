/*
grain = "one row per inspection x force_rating x rating"
description = """
Cross-tabulation of the force's self-assessment against the inspection rating, for the cases
the force rated."""

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
force_rating = "VARCHAR"
rating = "VARCHAR"
cases = ["BIGINT", "Cases with this pair of ratings."]
*/
-- self_assessment_agreement: the force's own rating of a case against the inspection's, as
-- a cross-tabulation in long form (one row per inspection x force_rating x rating present).
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
