"""Which cases a headline figure counts: one inspection's metric traced through
`metric_cases` (the view headline_figures is counted from) to its case keys, by category and
by area. Case keys only: the provider's case_ref is never in the warehouse's case tables."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipeline.errors import CaseAuditError
from pipeline.warehouse.registry import metrics

CASES = """
    SELECT case_key, category, area, in_numerator
    FROM metric_cases WHERE inspection_id = $1 AND metric = $2 AND in_denominator
    ORDER BY NOT in_numerator, category, area NULLS LAST, case_key"""


@dataclass(frozen=True)
class Explanation:
    inspection_id: str
    force: str
    metric: str
    definition: tuple[str, str]  # what the numerator and the denominator count
    numerator: int
    denominator: int
    published: tuple[int, int]  # headline_figures' counts, for the reader to compare
    by_category: list[tuple]
    by_area: list[tuple]
    cases: list[tuple]  # (case_key, category, area, in_numerator)


def explain(conn: duckdb.DuckDBPyConnection, inspection: str, metric: str) -> Explanation:
    """The cases behind `inspection`'s `metric`; a plain error naming what exists when either
    is unknown, or when `conn` is no case-audit warehouse."""
    relations = "SELECT table_name FROM duckdb_tables() UNION SELECT view_name FROM duckdb_views()"
    present = {name for (name,) in conn.execute(relations).fetchall()}
    if not {"headline_figures", "metric_cases"} <= present:
        raise CaseAuditError(
            "this DuckDB file is not a case-audit warehouse (it has no headline_figures and "
            "metric_cases); give the warehouse a run published with --warehouse."
        )
    by_name = {m.name: m for m in metrics()}
    if metric not in by_name:
        named = ", ".join(by_name)
        raise CaseAuditError(f"no headline metric {metric!r}; the metrics are {named}.")
    found = conn.execute(
        "SELECT force, numerator, denominator FROM headline_figures "
        "WHERE inspection_id = $1 AND metric = $2",
        [inspection, metric],
    ).fetchall()
    if not found:
        known = [
            i
            for (i,) in conn.execute(
                "SELECT DISTINCT inspection_id FROM headline_figures ORDER BY 1"
            ).fetchall()
        ]
        listed = ", ".join(known[:20]) + (" …" if len(known) > 20 else "")
        raise CaseAuditError(
            f"no inspection {inspection!r} in the warehouse; it holds {listed or 'none'}."
        )
    force, published_numerator, published_denominator = found[0]
    cases = conn.execute(CASES, [inspection, metric]).fetchall()
    definition = by_name[metric]
    return Explanation(
        inspection,
        force,
        metric,
        (definition.counts, definition.of),
        numerator=sum(1 for case in cases if case[3]),
        denominator=len(cases),
        published=(published_numerator, published_denominator),
        by_category=_breakdown(cases, 1),
        by_area=_breakdown(cases, 2),
        cases=cases,
    )


def _breakdown(cases: list[tuple], at: int) -> list[tuple]:
    """(value, numerator, denominator) per value of the cases' field `at` (category or
    area), in order with NULL last: counted from the cases already read, not queried again."""
    counts: dict[object, list[int]] = {}
    for case in cases:
        tally = counts.setdefault(case[at], [0, 0])
        tally[0] += bool(case[3])
        tally[1] += 1
    ordered = sorted(counts, key=lambda value: (value is None, value or ""))
    return [(value, *counts[value]) for value in ordered]
