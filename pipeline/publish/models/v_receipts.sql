/*
grain = "one row per inspection x metric"
description = "Stable view of figure_receipts for dashboards and the receipts feed."
materialized = "view"
columns_from = "figure_receipts"  # the same columns, in order, with their words
*/
-- v_receipts: every headline figure's receipt (docs/publication.md).
SELECT inspection_id, force, framework, metric, metric_order, numerator, denominator, pct,
       framework_sha256, rules_version, product_version, numerator_expression,
       denominator_expression, description, input_sha256, numerator_digest, denominator_digest,
       receipt
FROM figure_receipts;
