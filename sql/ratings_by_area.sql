-- reads: rating_counts
-- writes: ratings_by_area
-- ratings_by_area: one row per inspection x area; a NULL area means "not recorded".
CREATE OR REPLACE TABLE ratings_by_area AS
SELECT inspection_id, force, area,
       cases, good, requires_improvement, inadequate, not_good, pct_not_good, ci_low, ci_high,
       small_numbers
FROM rating_counts
WHERE grouped_by = 'area'
ORDER BY inspection_id, area NULLS LAST;
