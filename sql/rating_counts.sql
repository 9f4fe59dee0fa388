-- reads: case_audits
-- writes: rating_counts
-- rating_counts (view): the one place rating counts are defined, grouped both by category
-- and by area; ratings_by_category and ratings_by_area select their half of it.
CREATE OR REPLACE VIEW rating_counts AS
SELECT
    CASE WHEN grouping(category) = 0 THEN 'category' ELSE 'area' END AS grouped_by,
    inspection_id,
    force,
    category,
    area,
    count(*)                                                AS cases,
    count(*) FILTER (WHERE rating = 'good')                 AS good,
    count(*) FILTER (WHERE rating = 'requires_improvement') AS requires_improvement,
    count(*) FILTER (WHERE rating = 'inadequate')           AS inadequate,
    count(*) FILTER (WHERE rating <> 'good')                AS not_good,
    percent(not_good, cases)                                AS pct_not_good,
    wilson_low(not_good, cases)                             AS ci_low,
    wilson_high(not_good, cases)                            AS ci_high
FROM case_audits
GROUP BY GROUPING SETS ((inspection_id, force, category), (inspection_id, force, area));
