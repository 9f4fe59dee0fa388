/*
grain = """
one row per rating level of its framework, for every inspection x category, inspection x area
and inspection x area x category present"""
description = """
Stable view of level_counts: cases at every level of each group's framework, levels as rows
(unsuppressed; the public area feed applies disclosure control)."""
materialized = "view"
columns_from = "level_counts"  # the same columns, in order, with their words
*/
-- v_level_counts: rating counts by level for every grouping, for analysts and the feeds.
SELECT grouped_by, inspection_id, force, framework, category, area, rating, cases, level_order,
       level_not_good
FROM level_counts;
