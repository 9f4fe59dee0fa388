"""Which cases a headline figure counts: one inspection's metric traced through
`metric_cases` (the view headline_figures is counted from) to its case keys, by category and
by area. Case keys only: the provider's case_ref is never in the warehouse's case tables."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from pipeline.errors import CaseAuditError
from schemas.warehouse import METRICS

BREAKDOWN = """
    SELECT {by}, count(*) FILTER (WHERE in_numerator) AS numerator,
           count(*) FILTER (WHERE in_denominator) AS denominator
    FROM metric_cases WHERE inspection_id = $1 AND metric = $2
    GROUP BY {by} HAVING denominator > 0 ORDER BY {by} NULLS LAST"""
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
    is unknown."""
    definitions = {m.name: (m.numerator, m.denominator) for m in METRICS}
    if metric not in definitions:
        raise CaseAuditError(f"no headline metric {metric!r}; the metrics are "
                             f"{', '.join(definitions)}.")  # fmt: skip
    found = conn.execute("SELECT force, numerator, denominator FROM headline_figures "
                         "WHERE inspection_id = $1 AND metric = $2",
                         [inspection, metric]).fetchall()  # fmt: skip
    if not found:
        known = [i for (i,) in conn.execute("SELECT DISTINCT inspection_id FROM "
                                            "headline_figures ORDER BY 1").fetchall()]  # fmt: skip
        listed = ", ".join(known[:20]) + (" …" if len(known) > 20 else "")
        raise CaseAuditError(f"no inspection {inspection!r} in the warehouse; it holds "
                             f"{listed or 'none'}.")  # fmt: skip
    force, published_numerator, published_denominator = found[0]
    params = [inspection, metric]
    cases = conn.execute(CASES, params).fetchall()
    return Explanation(
        inspection, force, metric, definitions[metric],
        numerator=sum(1 for case in cases if case[3]), denominator=len(cases),
        published=(published_numerator, published_denominator),
        by_category=conn.execute(BREAKDOWN.format(by="category"), params).fetchall(),
        by_area=conn.execute(BREAKDOWN.format(by="area"), params).fetchall(),
        cases=cases,
    )  # fmt: skip
