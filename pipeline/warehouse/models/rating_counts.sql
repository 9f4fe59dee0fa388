/*
grain = "one row per inspection x category present x rating level of its framework"
description = """
How many cases of each category the inspection rated at each level of its framework's scale:
every level, zero counts included, levels best first. Levels are rows, not columns, so every
framework has the same shape. Unsuppressed: public feeds apply disclosure control."""

contract = [  # the product contract's columns (../shared/CONTRACT.md)
    "inspection_id", "force", "framework", "category", "rating", "cases",
]

[columns]
inspection_id = "VARCHAR"
force = "VARCHAR"
framework = "VARCHAR"
category = "VARCHAR"
rating = "VARCHAR"
cases = ["BIGINT", "Valid cases of the category rated at this level."]
level_order = ["INTEGER", "The level's place on its framework's scale (1 = best)."]
level_not_good = ["BOOLEAN", "The level is one of its framework's not-good levels."]
*/
-- rating_counts: the categories' part of level_counts.
SELECT inspection_id, force, framework, category, rating, cases, level_order, level_not_good
FROM level_counts
WHERE grouped_by = 'category'
ORDER BY inspection_id, category, level_order;
