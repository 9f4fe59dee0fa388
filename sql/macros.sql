-- reads: nothing
-- writes: percent, wilson, wilson_bound, wilson_low, wilson_high, newcombe_margin, newcombe_low, newcombe_high, change_verdict, small_numbers_minimum, small_number (macros)
-- Macros shared by the warehouse SQL and available to analysts in the published file.
-- percent(k, n): 100 * k / n rounded to one decimal; NULL when n = 0.
-- wilson(k, n, sign): the 95% Wilson score bound for k of n as a proportion, unrounded
--   (sign -1 low, +1 high); NULL when n = 0. z = 1.959963984540054 (the 97.5th percentile).
-- wilson_low/high(k, n): the same in percent, one decimal.
-- newcombe_low/high(k1, n1, k0, n0): the 95% interval of the change k1/n1 - k0/n0 in
--   percentage points, one decimal (Newcombe's hybrid score method, from the two Wilson
--   intervals); NULL when either n is 0.
-- change_verdict(k1, n1, k0, n0): 'rose' when that interval lies above 0, 'fell' when it
--   lies below 0, else 'no clear change' (judged before rounding).
-- small_numbers_minimum(): a share of fewer cases than this is flagged small_numbers, and
--   public feeds withhold its percentage (docs/analysts.md, docs/dashboards.md).
CREATE OR REPLACE MACRO percent(k, n) AS
    CASE WHEN n > 0 THEN round(100 * k / n, 1) END;
CREATE OR REPLACE MACRO wilson(k, n, sign) AS
    CASE WHEN n > 0 THEN (
        (k / n + 1.959963984540054 ^ 2 / (2 * n))
        + sign * 1.959963984540054 * sqrt(k / n * (1 - k / n) / n
                                          + 1.959963984540054 ^ 2 / (4 * n * n))
    ) / (1 + 1.959963984540054 ^ 2 / n) END;
CREATE OR REPLACE MACRO wilson_bound(k, n, sign) AS
    CASE WHEN n > 0 THEN round(100 * wilson(k, n, sign), 1) END;
-- (greatest/least skip NULLs, so the n > 0 test is repeated: n = 0 must stay NULL)
CREATE OR REPLACE MACRO wilson_low(k, n) AS
    CASE WHEN n > 0 THEN greatest(wilson_bound(k, n, -1), 0) END;
CREATE OR REPLACE MACRO wilson_high(k, n) AS
    CASE WHEN n > 0 THEN least(wilson_bound(k, n, 1), 100) END;
-- the distance from the change to each end of its interval (sign -1 below, +1 above)
CREATE OR REPLACE MACRO newcombe_margin(k1, n1, k0, n0, sign) AS
    CASE WHEN n1 > 0 AND n0 > 0 THEN sqrt(
        (wilson(k1, n1, sign) - k1 / n1) ^ 2 + (k0 / n0 - wilson(k0, n0, -sign)) ^ 2) END;
CREATE OR REPLACE MACRO newcombe_low(k1, n1, k0, n0) AS
    round(100 * (k1 / n1 - k0 / n0 - newcombe_margin(k1, n1, k0, n0, -1)), 1);
CREATE OR REPLACE MACRO newcombe_high(k1, n1, k0, n0) AS
    round(100 * (k1 / n1 - k0 / n0 + newcombe_margin(k1, n1, k0, n0, 1)), 1);
CREATE OR REPLACE MACRO change_verdict(k1, n1, k0, n0) AS
    CASE WHEN n1 > 0 AND n0 > 0 THEN
        CASE WHEN k1 / n1 - k0 / n0 - newcombe_margin(k1, n1, k0, n0, -1) > 0 THEN 'rose'
             WHEN k1 / n1 - k0 / n0 + newcombe_margin(k1, n1, k0, n0, 1) < 0 THEN 'fell'
             ELSE 'no clear change' END END;
CREATE OR REPLACE MACRO small_numbers_minimum() AS 10;
CREATE OR REPLACE MACRO small_number(n) AS n < small_numbers_minimum();
