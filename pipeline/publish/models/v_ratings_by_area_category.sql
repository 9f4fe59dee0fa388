/*
grain = "one row per inspection x area x category present"
description = """
Stable view of ratings_by_area_category for analysts (unsuppressed; no public feed)."""
materialized = "view"
columns_from = "ratings_by_area_category"  # the same columns, in order, with their words
*/
-- v_ratings_by_area_category: ratings per inspection, area and category, for analysts
-- (unsuppressed; no public feed). area NULL: not recorded.
SELECT inspection_id, force, framework, area, category, cases, good, requires_improvement, inadequate,
       not_good, pct_not_good, ci_low, ci_high, small_numbers
FROM ratings_by_area_category;
