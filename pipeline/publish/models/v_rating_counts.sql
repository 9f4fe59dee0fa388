/*
grain = "one row per inspection x category present x rating level of its framework"
description = """
Stable view of rating_counts for analysts: every level of every framework as rows
(unsuppressed; the public feed applies disclosure control)."""
materialized = "view"
columns_from = "rating_counts"  # the same columns, in order, with their words
*/
-- v_rating_counts: rating counts per inspection, category and level of its framework.
SELECT inspection_id, force, framework, category, rating, cases, level_order, level_not_good
FROM rating_counts;
