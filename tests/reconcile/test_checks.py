"""Reconciliation as a plain function over published_reconciliation (no Dagster)."""

from __future__ import annotations

import duckdb

from pipeline.reconcile.checks import figures_reconcile


def test_figures_reconcile_names_each_figure_that_differs() -> None:
    with duckdb.connect() as conn:
        conn.execute(
            "CREATE TABLE published_reconciliation AS SELECT * FROM (VALUES "
            "('X-1', 'cases_not_good', 278, 374, NULL, 279, 374, 74.6, 'differs'), "
            "('X-1', 'self_assessed_not_good', NULL, 132, 76, 99, 132, 75.0, 'differs'), "
            "('X-1', 'cases_audited', 374, 374, NULL, 374, 374, 100.0, 'matches'), "
            "('Y-1', 'cases_audited', 9, 9, NULL, NULL, NULL, NULL, 'inspection_not_loaded')"
            ") t(inspection_id, metric, published_numerator, published_denominator, "
            "published_pct, computed_numerator, computed_denominator, computed_pct, status)"
        )
        result = figures_reconcile(conn)
        assert not result.passed
        assert "X-1 cases_not_good (differs): published 278/374, computed 279/374" in (
            result.description
        )
        assert (
            "X-1 self_assessed_not_good (differs): published ?/132 76%, computed "
            "99/132 75%" in result.description
        )
        assert "cases_audited" not in result.description
        conn.execute("DELETE FROM published_reconciliation WHERE status = 'differs'")
        result = figures_reconcile(conn)
        assert result.passed
        assert "1 not compared" in result.description
