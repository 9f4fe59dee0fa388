/*
grain = """
one row per inspection x category, per inspection x area and per inspection x area x
category"""
description = """
Where rating counts are defined once: ratings_by_category, ratings_by_area and
ratings_by_area_category select their part. Internal: prefer the v_ views."""
materialized = "view"

[columns]
grouped_by = ["VARCHAR", "category, area or area_category: which grouping the row belongs to."]
inspection_id = "VARCHAR"
force = "VARCHAR"
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
-- rating_counts (view): the one place rating counts are defined, grouped by category, by
-- area and by area x category; ratings_by_category, ratings_by_area and
-- ratings_by_area_category each select their part of it.
SELECT
    CASE WHEN grouping(category) = 0 AND grouping(area) = 0 THEN 'area_category'
         WHEN grouping(category) = 0 THEN 'category'
         ELSE 'area' END                                    AS grouped_by,
    inspection_id,
    force,
    category,
    area,
    count(*)                                                AS cases,
    count(*) FILTER (WHERE rating = 'good')                 AS good,
    count(*) FILTER (WHERE rating = 'requires_improvement') AS requires_improvement,
    count(*) FILTER (WHERE rating = 'inadequate')           AS inadequate,
    count(*) FILTER (WHERE rating <> 'good')                AS not_good,
    percent(not_good, cases)                                AS pct_not_good,
    wilson_low(not_good, cases)                             AS ci_low,
    wilson_high(not_good, cases)                            AS ci_high,
    small_number(cases)                                     AS small_numbers
FROM case_audits
GROUP BY GROUPING SETS ((inspection_id, force, category), (inspection_id, force, area),
                        (inspection_id, force, area, category));
