-- reads: ratings_by_area_category
-- writes: v_ratings_by_area_category
-- v_ratings_by_area_category: ratings per inspection, area and category, for analysts
-- (unsuppressed; no public feed). area NULL: not recorded.
CREATE OR REPLACE VIEW v_ratings_by_area_category AS
SELECT inspection_id, force, area, category, cases, good, requires_improvement, inadequate,
       not_good, pct_not_good, ci_low, ci_high, small_numbers
FROM ratings_by_area_category;
