/*
grain = "one row per inspection x category present"
description = "Stable view of ratings_by_category for dashboards."
materialized = "view"

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
category = "VARCHAR"
cases = "BIGINT"
good = "BIGINT"
requires_improvement = "BIGINT"
inadequate = "BIGINT"
not_good = "BIGINT"
pct_not_good = "DOUBLE"
ci_low = "DOUBLE"
ci_high = "DOUBLE"
small_numbers = "BOOLEAN"
*/
-- v_ratings_by_category: ratings per inspection and category, for dashboards.
SELECT inspection_id, force, category, cases, good, requires_improvement, inadequate,
       not_good, pct_not_good, ci_low, ci_high, small_numbers
FROM ratings_by_category;
