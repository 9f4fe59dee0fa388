-- reads: rating_counts
-- writes: ratings_by_area_category
-- ratings_by_area_category: one row per inspection x area x category present, for questions
-- such as "which areas are worst for missing children?"; a NULL area means "not recorded".
-- Unsuppressed, for analysts: no public feed is made from it.
CREATE OR REPLACE TABLE ratings_by_area_category AS
SELECT inspection_id, force, area, category,
       cases, good, requires_improvement, inadequate, not_good, pct_not_good, ci_low, ci_high,
       small_numbers
FROM rating_counts
WHERE grouped_by = 'area_category'
ORDER BY inspection_id, area NULLS LAST, category;
