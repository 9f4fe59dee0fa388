/*
grain = "one row per inspection x category present"
description = "Inspection ratings per category, with the share not good and its 95% interval."

contract = [  # the product contract's columns (../shared/CONTRACT.md)
    "inspection_id", "force", "framework", "category", "cases", "good", "requires_improvement",
    "inadequate", "not_good", "pct_not_good",
]

columns_from = "rating_groups"  # the columns it selects, with their types and words
*/
-- ratings_by_category: one row per inspection x category (counts from rating_groups).
SELECT inspection_id, force, framework, category,
       cases, good, requires_improvement, inadequate, not_good, pct_not_good, ci_low, ci_high,
       small_numbers
FROM rating_groups
WHERE grouped_by = 'category'
ORDER BY inspection_id, category;
