/*
grain = "one row per inspection x area present"
description = """
Inspection ratings per area; a NULL area groups the cases whose area was not recorded.
Unsuppressed: public feeds apply disclosure control."""

contract = [  # the product contract's columns (../shared/CONTRACT.md)
    "inspection_id", "force", "framework", "area", "cases", "good", "requires_improvement", "inadequate",
    "not_good", "pct_not_good",
]

columns_from = "rating_groups"  # the columns it selects, with their types and words
*/
-- ratings_by_area: one row per inspection x area; a NULL area means "not recorded".
SELECT inspection_id, force, framework, area,
       cases, good, requires_improvement, inadequate, not_good, pct_not_good, ci_low, ci_high,
       small_numbers
FROM rating_groups
WHERE grouped_by = 'area'
ORDER BY inspection_id, area NULLS LAST;
