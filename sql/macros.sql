-- reads: nothing
-- writes: percent, wilson_bound, wilson_low, wilson_high (macros)
-- Macros shared by the warehouse SQL and available to analysts in the published file.
-- percent(k, n): 100 * k / n rounded to one decimal; NULL when n = 0.
-- wilson_low/high(k, n): the 95% Wilson score interval for k of n, in percent, one decimal;
--   NULL when n = 0. z = 1.959963984540054 (the 97.5th percentile of the normal).
CREATE OR REPLACE MACRO percent(k, n) AS
    CASE WHEN n > 0 THEN round(100 * k / n, 1) END;
CREATE OR REPLACE MACRO wilson_bound(k, n, sign) AS
    CASE WHEN n > 0 THEN round(100 * (
        (k / n + 1.959963984540054 ^ 2 / (2 * n))
        + sign * 1.959963984540054 * sqrt(k / n * (1 - k / n) / n
                                          + 1.959963984540054 ^ 2 / (4 * n * n))
    ) / (1 + 1.959963984540054 ^ 2 / n), 1) END;
-- (greatest/least skip NULLs, so the n > 0 test is repeated: n = 0 must stay NULL)
CREATE OR REPLACE MACRO wilson_low(k, n) AS
    CASE WHEN n > 0 THEN greatest(wilson_bound(k, n, -1), 0) END;
CREATE OR REPLACE MACRO wilson_high(k, n) AS
    CASE WHEN n > 0 THEN least(wilson_bound(k, n, 1), 100) END;
