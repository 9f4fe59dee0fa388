/*
grain = """
one row per inspection x category, per inspection x area and per inspection x area x
category"""
description = """
Where the grouped rating counts are defined once: ratings_by_category, ratings_by_area and
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
-- rating_groups (view): the one place grouped rating counts are defined, by category, by
-- area and by area x category, each case judged by its own framework (table frameworks);
-- ratings_by_category, ratings_by_area and ratings_by_area_category each select their part.
-- The contract's level columns are counted only where the framework has the level.
WITH judged AS (
    SELECT c.inspection_id, c.force, c.framework, c.category, c.area, c.rating,
           list_contains(f.not_good_levels, c.rating) AS rated_not_good,
           f.rating_levels
    FROM case_audits AS c
    JOIN frameworks AS f USING (framework)
)
SELECT
    CASE WHEN grouping(category) = 0 AND grouping(area) = 0 THEN 'area_category'
         WHEN grouping(category) = 0 THEN 'category'
         ELSE 'area' END                                    AS grouped_by,
    inspection_id,
    force,
    framework,
    category,
    area,
    count(*)                                                AS cases,
{%- for level in ["good", "requires_improvement", "inadequate"] %}
    CASE WHEN list_contains(any_value(rating_levels), {{ level | sql }})
         THEN count(*) FILTER (WHERE rating = {{ level | sql }}) END AS {{ level }},
{%- endfor %}
    count(*) FILTER (WHERE rated_not_good)                  AS not_good,
    percent(not_good, cases)                                AS pct_not_good,
    wilson_low(not_good, cases)                             AS ci_low,
    wilson_high(not_good, cases)                            AS ci_high,
    small_number(cases)                                     AS small_numbers
FROM judged
GROUP BY GROUPING SETS ((inspection_id, force, framework, category),
                        (inspection_id, force, framework, area),
                        (inspection_id, force, framework, area, category))
ORDER BY grouped_by, inspection_id, category NULLS FIRST, area NULLS FIRST;
