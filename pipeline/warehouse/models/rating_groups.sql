/*
grain = """
one row per inspection x category, per inspection x area and per inspection x area x
category"""
description = """
The grouped rating counts, summed from level_counts: ratings_by_category, ratings_by_area and
ratings_by_area_category select their part. not_good counts the framework's not-good levels;
good, requires_improvement and inadequate are filled for frameworks with those levels (NULL
otherwise: rating_counts has every level of every framework). Internal: prefer the v_
views."""
materialized = "view"

[columns]
grouped_by = ["VARCHAR", "category, area or area_category: which grouping the row belongs to."]
inspection_id = "VARCHAR"
force = "VARCHAR"
framework = "VARCHAR"
category = "VARCHAR"
area = "VARCHAR"
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
-- rating_groups (view): the grouped rating counts by category, by area and by area x
-- category, summed from level_counts (where the groups and each framework's levels are
-- defined once); ratings_by_category, ratings_by_area and ratings_by_area_category each
-- select their part. The contract's level columns are filled only where the framework has
-- the level.
WITH summed AS (
    SELECT
        grouped_by, inspection_id, force, framework, category, area,
        CAST(sum(cases) AS BIGINT)                                       AS cases,
{%- for level in ["good", "requires_improvement", "inadequate"] %}
        CAST(sum(cases) FILTER (WHERE rating = {{ level | sql }}) AS BIGINT) AS {{ level }},
{%- endfor %}
        CAST(coalesce(sum(cases) FILTER (WHERE level_not_good), 0) AS BIGINT) AS not_good
    FROM level_counts
    GROUP BY grouped_by, inspection_id, force, framework, category, area
)
SELECT
    grouped_by, inspection_id, force, framework, category, area, cases,
{%- for level in ["good", "requires_improvement", "inadequate"] %}
    {{ level }},
{%- endfor %}
    not_good,
    percent(not_good, cases)    AS pct_not_good,
    wilson_low(not_good, cases) AS ci_low,
    wilson_high(not_good, cases) AS ci_high,
    small_number(cases)         AS small_numbers
FROM summed
ORDER BY grouped_by, inspection_id, category NULLS FIRST, area NULLS FIRST;
