/*
grain = "one row per inspection x category present"
description = "Stable view of ratings_by_category for dashboards."
materialized = "view"
columns_from = "ratings_by_category"  # the same columns, in order, with their words
*/
-- v_ratings_by_category: ratings per inspection and category, for dashboards.
SELECT inspection_id, force, framework, category, cases, good, requires_improvement, inadequate,
       not_good, pct_not_good, ci_low, ci_high, small_numbers
FROM ratings_by_category;
