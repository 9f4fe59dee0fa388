-- reads: ratings_by_category
-- writes: v_ratings_by_category
-- v_ratings_by_category: ratings per inspection and category, for dashboards.
CREATE OR REPLACE VIEW v_ratings_by_category AS
SELECT inspection_id, force, category, cases, good, requires_improvement, inadequate,
       not_good, pct_not_good, ci_low, ci_high, small_numbers
FROM ratings_by_category;
