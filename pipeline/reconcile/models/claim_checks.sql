/*
grain = "one row per published claim"
description = """
Statements made about the figures (data/reference/published_claims.csv), tested against the
exact computed percentage. A false claim is information, not a failure."""

contract = [  # the product contract's columns (../shared/CONTRACT.md)
    "inspection_id", "metric", "comparator", "claimed_pct", "computed_pct", "holds",
    "wording", "source",
]

[columns]
inspection_id = "VARCHAR"
metric = "VARCHAR"
comparator = ["VARCHAR", "One of >, >=, <, <=, =."]
claimed_pct = ["DOUBLE", "The percentage the claim compares with."]
computed_pct = ["DOUBLE", "pct from headline_figures (one decimal)."]
holds = [
    "BOOLEAN",
    """
    The exact percentage (unrounded) compared with claimed_pct; for =, rounded to one
    decimal; NULL when not computed or the comparator is unknown.""",
]
wording = "VARCHAR"
source = "VARCHAR"
*/
-- claim_checks: each published claim about a percentage, tested against the computed figure.
-- Input: the CSV named by $published_claims_csv (data/reference/).
-- `holds` compares the exact percentage (numerator / denominator), not the rounded pct, so
-- rounding can never make a false claim true; NULL when the figure was not computed.
WITH claims AS (
    SELECT *
    FROM read_csv($published_claims_csv, header = true, columns = {
        'inspection_id': 'VARCHAR', 'metric': 'VARCHAR', 'comparator': 'VARCHAR',
        'claimed_pct': 'DOUBLE', 'wording': 'VARCHAR', 'source': 'VARCHAR'})
), computed AS (
    SELECT c.*, h.pct AS computed_pct,
           CASE WHEN h.denominator > 0 THEN 100 * h.numerator / h.denominator END AS exact_pct
    FROM claims AS c
    LEFT JOIN headline_figures AS h USING (inspection_id, metric)
)
SELECT
    inspection_id,
    metric,
    comparator,
    claimed_pct,
    computed_pct,
    CASE trim(comparator)
        WHEN '>'  THEN exact_pct >  claimed_pct
        WHEN '>=' THEN exact_pct >= claimed_pct
        WHEN '<'  THEN exact_pct <  claimed_pct
        WHEN '<=' THEN exact_pct <= claimed_pct
        WHEN '='  THEN round(exact_pct, 1) = claimed_pct
    END AS holds,
    wording,
    source
FROM computed
ORDER BY inspection_id, metric, comparator, claimed_pct;
