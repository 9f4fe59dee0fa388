/*
grain = "one row per framework version known to the run"
description = "Stable view of frameworks: what each framework rates and how."
materialized = "view"
columns_from = "frameworks"  # the same columns, in order, with their words
*/
-- v_frameworks: the audit frameworks, for analysts and dashboards.
SELECT framework, name, version, title, rating_levels, not_good_levels, force_rating_levels,
       favourable_levels, comparable_with, sha256, shipped
FROM frameworks;
