-- reads: claim_checks, published_reconciliation
-- writes: v_reconciliation
-- v_reconciliation: published figures against computed ones, and the press claims tested.
CREATE OR REPLACE VIEW v_reconciliation AS
SELECT inspection_id, metric, 'figure' AS kind, status, matches AS holds,
       published_numerator, published_denominator, published_pct,
       NULL::VARCHAR AS comparator, computed_numerator, computed_denominator, computed_pct,
       wording, source
FROM published_reconciliation
UNION ALL BY NAME
SELECT inspection_id, metric, 'claim' AS kind,
       CASE WHEN holds THEN 'holds' WHEN NOT holds THEN 'does_not_hold' ELSE 'not_computed' END
           AS status,
       holds, claimed_pct AS published_pct, comparator, computed_pct, wording, source
FROM claim_checks;
