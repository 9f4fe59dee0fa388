"""Every published figure must reconcile with the one computed from the case-level data."""

from __future__ import annotations

import duckdb

from pipeline.lazy import pd
from pipeline.validate.checks import CheckResult

FAILING_STATUSES = ("differs", "metric_unknown", "nothing_to_compare")


def describe_figure(numerator: object, denominator: object, pct: object) -> str:
    """`278/374`, `?/132 76%`: a figure as people read it, unknown parts as `?`."""

    def show(value: object) -> str:
        return "?" if pd.isna(value) else f"{value:g}" if isinstance(value, float) else str(value)

    text = f"{show(numerator)}/{show(denominator)}"
    return text if pd.isna(pct) else f"{text} {show(pct)}%"


def _describe_disagreement(row: object) -> str:
    published = describe_figure(
        row.published_numerator, row.published_denominator, row.published_pct
    )
    computed = describe_figure(row.computed_numerator, row.computed_denominator, row.computed_pct)
    subject = f"{row.inspection_id} {row.metric} ({row.status})"
    return f"{subject}: published {published}, computed {computed}"


def figures_reconcile(conn: duckdb.DuckDBPyConnection) -> CheckResult:
    """Fails naming each metric whose published and computed values disagree."""
    table = conn.execute(
        "SELECT inspection_id, metric, published_numerator, published_denominator, "
        "published_pct, computed_numerator, computed_denominator, computed_pct, status "
        "FROM published_reconciliation ORDER BY inspection_id, metric"
    ).df()
    failing = table[table["status"].isin(FAILING_STATUSES)]
    not_loaded = table[table["status"].eq("inspection_not_loaded")]

    if failing.empty:
        description = f"{(table['status'] == 'matches').sum()} published figure(s) reconcile"
        if len(not_loaded):
            description += (
                f"; {len(not_loaded)} not compared because their inspection is not loaded"
            )
    else:
        description = "published figures do not reconcile: " + "; ".join(
            _describe_disagreement(r) for r in failing.itertuples()
        )
    return CheckResult(
        passed=failing.empty,
        description=description,
        figures={"figures": len(table), "failing": len(failing), "not_loaded": len(not_loaded)},
        failing=failing,
    )
