/*
# Macros shared by the models and kept in the published file for analysts: what each
# computes is its COMMENT in the warehouse and its line in the data dictionary.
[macros]
percent = "percent(k, n): 100 * k / n rounded to one decimal; NULL when n = 0."
wilson_low = """
wilson_low(k, n): lower bound of the 95% Wilson interval of k of n, in percent, one decimal;
NULL when n = 0."""
wilson_high = "wilson_high(k, n): upper bound of the 95% Wilson interval, as wilson_low."
wilson_bound = """
wilson_bound(k, n, sign): the Wilson bound for sign -1 (low) or +1 (high), unclipped; use
wilson_low / wilson_high."""
wilson = "wilson(k, n, sign): the Wilson bound as a proportion, unrounded."
newcombe_margin = """
newcombe_margin(k1, n1, k0, n0, sign): the distance from the change k1/n1 - k0/n0 to the
lower (sign -1) or upper (+1) end of its 95% interval, as a proportion; use newcombe_low /
newcombe_high."""
newcombe_low = """
newcombe_low(k1, n1, k0, n0): lower bound of the 95% interval of the change k1/n1 - k0/n0,
in percentage points, one decimal (Newcombe's hybrid score method)."""
newcombe_high = "newcombe_high(k1, n1, k0, n0): upper bound, as newcombe_low."
change_verdict = """
change_verdict(k1, n1, k0, n0): rose or fell when the change's 95% interval excludes 0, else
no clear change."""
small_numbers_minimum = """
small_numbers_minimum(): the fewest cases a published percentage may rest on ({{
small_numbers_minimum }}); fewer are flagged small_numbers."""
small_number = "small_number(n): n is below small_numbers_minimum()."
*/
-- z = 1.959963984540054, the 97.5th percentile of the standard normal distribution.
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
CREATE OR REPLACE MACRO wilson_low(k, n) AS
    CASE WHEN n > 0 THEN greatest(wilson_bound(k, n, -1), 0) END;
CREATE OR REPLACE MACRO wilson_high(k, n) AS
    CASE WHEN n > 0 THEN least(wilson_bound(k, n, 1), 100) END;
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
CREATE OR REPLACE MACRO small_numbers_minimum() AS {{ small_numbers_minimum }};
CREATE OR REPLACE MACRO small_number(n) AS n < small_numbers_minimum();
