-- Which kinds of case most often fall short? Share not good per category, with its 95%
-- interval, worst first. Overlapping intervals mean the difference may be chance.
SELECT inspection_id, category, cases, not_good, pct_not_good, ci_low, ci_high
FROM v_ratings_by_category
ORDER BY inspection_id, pct_not_good DESC, category;
