/*
grain = """
one row per rating level of its framework, for every inspection x category, inspection x area
and inspection x area x category present"""
description = """
Where rating counts by level are defined once, in long form (levels as rows: every framework
has the same columns), every level of the case's framework counted, zeros included:
rating_counts selects the categories, the public area feed the areas. Internal: prefer
rating_counts and the v_ views."""
materialized = "view"

[columns]
grouped_by = ["VARCHAR", "category, area or area_category: which grouping the row belongs to."]
inspection_id = "VARCHAR"
force = "VARCHAR"
framework = "VARCHAR"
category = "VARCHAR"
area = "VARCHAR"
rating = "VARCHAR"
cases = ["BIGINT", "Valid cases of the group rated at this level."]
level_order = ["INTEGER", "The level's place on its framework's scale (1 = best)."]
level_not_good = ["BOOLEAN", "The level is one of its framework's not-good levels."]
*/
-- level_counts (view): each group of cases present (by category, by area, by area x
-- category) with every level of its framework's scale (table frameworks), counted; a level
-- no case of the group has counts 0.
WITH levels AS (
    SELECT framework, rating_levels[i] AS rating, i AS level_order,
           list_contains(not_good_levels, rating_levels[i]) AS level_not_good
    FROM frameworks, range(1, len(rating_levels) + 1) AS r(i)
), counted AS (
    SELECT
        CASE WHEN grouping(category) = 0 AND grouping(area) = 0 THEN 'area_category'
             WHEN grouping(category) = 0 THEN 'category'
             ELSE 'area' END AS grouped_by,
        inspection_id, force, framework, category, area,
        histogram(rating) AS rated
    FROM case_audits
    GROUP BY GROUPING SETS ((inspection_id, force, framework, category),
                            (inspection_id, force, framework, area),
                            (inspection_id, force, framework, area, category))
)
SELECT
    c.grouped_by,
    c.inspection_id,
    c.force,
    c.framework,
    c.category,
    c.area,
    l.rating,
    CAST(coalesce(c.rated[l.rating], 0) AS BIGINT) AS cases,
    CAST(l.level_order AS INTEGER)                 AS level_order,
    l.level_not_good
FROM counted AS c
JOIN levels AS l USING (framework)
ORDER BY c.grouped_by, c.inspection_id, c.category NULLS FIRST, c.area NULLS FIRST, l.level_order;
