-- Which cases does a headline figure count? The 2 good missing-children cases of 38, by key
-- (`case-audit explain MPS-NCPI-2016 missing_good` prints the same with counts by area).
SELECT case_key, category, coalesce(area, '(not recorded)') AS area, in_numerator
FROM metric_cases
WHERE inspection_id = 'MPS-NCPI-2016' AND metric = 'missing_good' AND in_denominator
ORDER BY in_numerator DESC, area, case_key;
