-- reads: ratings_by_area
-- writes: v_ratings_by_area
-- v_ratings_by_area: ratings per inspection and area, for analysts (unsuppressed: public
-- feeds apply disclosure control; see docs/dashboards.md). area NULL: not recorded.
CREATE OR REPLACE VIEW v_ratings_by_area AS
SELECT inspection_id, force, area, cases, good, requires_improvement, inadequate,
       not_good, pct_not_good, ci_low, ci_high, small_numbers
FROM ratings_by_area;
