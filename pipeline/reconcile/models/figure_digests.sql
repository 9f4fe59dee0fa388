/*
grain = "one row per inspection x metric"
description = """
Each headline figure's case digests: the SHA-256 (hex) of the case_keys in its numerator and
in its denominator, sorted and joined by a line feed (the empty text when there are none), as
its receipt carries them (figure_receipts). Computed from metric_cases by Python
(pipeline/reconcile/digests.py) in sorted batches: in SQL every figure's keys would be held
at once, more than the run's memory at a million cases."""
materialized = "computed"
computed_by = "pipeline.reconcile.digests:fill"

[columns]
inspection_id = "VARCHAR"
metric = "VARCHAR"
numerator_digest = ["VARCHAR", "SHA-256 of the numerator's case_keys, sorted, one per line."]
denominator_digest = ["VARCHAR", "SHA-256 of the denominator's case_keys, sorted, one per line."]
*/
-- The table's columns and what it is computed from; its rows are filled by
-- pipeline/reconcile/digests.py (a figure per inspection x metric of metric_cases).
SELECT
    inspection_id,
    metric,
    NULL::VARCHAR AS numerator_digest,
    NULL::VARCHAR AS denominator_digest
FROM metric_cases
