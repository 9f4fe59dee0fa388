/*
grain = "one row per published figure or claim"
description = """
Published figures (kind = figure) and press claims (kind = claim) against the computed
figures, in one list for dashboards."""
materialized = "view"

[columns]
inspection_id = "VARCHAR"
metric = "VARCHAR"
kind = ["VARCHAR", "figure or claim."]
status = [
    "VARCHAR",
    """
    For a figure as in published_reconciliation; for a claim holds, does_not_hold,
    unknown_wording (its wording alone, which the rulebook cannot read) or not_computed.""",
]
holds = ["BOOLEAN", "The figure matches, or the claim holds; NULL when not compared."]
published_numerator = ["BIGINT", "Published count (figures only)."]
published_denominator = ["BIGINT", "Published denominator (figures only)."]
published_pct = ["DOUBLE", "Published percentage, or the claimed percentage."]
comparator = ["VARCHAR", "The claim's comparator (claims only)."]
computed_numerator = ["BIGINT", "Computed count (figures only)."]
computed_denominator = ["BIGINT", "Computed denominator (figures only)."]
computed_pct = ["DOUBLE", "Computed percentage."]
wording = "VARCHAR"
source = "VARCHAR"
reading = [
    "VARCHAR",
    "How a claim given by its wording alone was read (claim_checks.reading); NULL otherwise.",
]
*/
-- v_reconciliation: published figures against computed ones, and the press claims tested.
SELECT inspection_id, metric, 'figure' AS kind, status, matches AS holds,
       published_numerator, published_denominator, published_pct,
       NULL::VARCHAR AS comparator, computed_numerator, computed_denominator, computed_pct,
       wording, source, NULL::VARCHAR AS reading
FROM published_reconciliation
UNION ALL BY NAME
SELECT inspection_id, metric, 'claim' AS kind,
       CASE WHEN holds THEN 'holds' WHEN NOT holds THEN 'does_not_hold'
            WHEN reading = 'unknown wording' THEN 'unknown_wording' ELSE 'not_computed' END
           AS status,
       holds, claimed_pct AS published_pct, comparator, computed_pct, wording, source, reading
FROM claim_checks;
