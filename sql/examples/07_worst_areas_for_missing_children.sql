-- Which areas are worst for missing children? Share not good by area, with its 95% interval;
-- areas of fewer than small_numbers_minimum() cases are flagged, not ranked.
SELECT
    inspection_id,
    coalesce(area, '(not recorded)') AS area,
    cases,
    not_good,
    pct_not_good,
    ci_low,
    ci_high,
    small_numbers
FROM v_ratings_by_area_category
WHERE category = 'missing_absent'
ORDER BY inspection_id, small_numbers, pct_not_good DESC, cases DESC, area;
