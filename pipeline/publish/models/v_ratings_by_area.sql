/*
grain = "one row per inspection x area present"
description = """
Stable view of ratings_by_area for analysts (unsuppressed; public feeds apply disclosure
control)."""
materialized = "view"
columns_from = "ratings_by_area"  # the same columns, in order, with their words
*/
-- v_ratings_by_area: ratings per inspection and area, for analysts (unsuppressed: public
-- feeds apply disclosure control; see docs/dashboards.md). area NULL: not recorded.
SELECT inspection_id, force, framework, area, cases, good, requires_improvement, inadequate,
       not_good, pct_not_good, ci_low, ci_high, small_numbers
FROM ratings_by_area;
