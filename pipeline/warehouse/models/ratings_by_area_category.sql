/*
grain = "one row per inspection x area x category present"
description = """
Inspection ratings per area and category (which areas are worst for missing children?), with
the share not good, its 95% interval and the small-numbers flag. Unsuppressed, for analysts:
no public feed is made from it."""

columns_from = "rating_groups"  # the columns it selects, with their types and words
*/
-- ratings_by_area_category: one row per inspection x area x category present, for questions
-- such as "which areas are worst for missing children?"; a NULL area means "not recorded".
-- Unsuppressed, for analysts: no public feed is made from it.
SELECT inspection_id, force, framework, area, category,
       cases, good, requires_improvement, inadequate, not_good, pct_not_good, ci_low, ci_high,
       small_numbers
FROM rating_groups
WHERE grouped_by = 'area_category'
ORDER BY inspection_id, area NULLS LAST, category;
