-- reads: rating_counts
-- writes: ratings_by_category
-- ratings_by_category: one row per inspection x category (counts from rating_counts).
CREATE OR REPLACE TABLE ratings_by_category AS
SELECT inspection_id, force, category,
       cases, good, requires_improvement, inadequate, not_good, pct_not_good, ci_low, ci_high,
       small_numbers
FROM rating_counts
WHERE grouped_by = 'category'
ORDER BY inspection_id, category;
