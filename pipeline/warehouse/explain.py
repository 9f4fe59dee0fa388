"""Which cases a headline figure counts: one inspection's metric traced through
`metric_cases` (the view headline_figures is counted from) to its case keys, by category and
by area. Case keys only: the provider's case_ref is never in the warehouse's case tables."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb

from pipeline.errors import CaseAuditError

CASES = """
    SELECT case_key, category, area, in_numerator
    FROM metric_cases WHERE inspection_id = $1 AND metric = $2 AND in_denominator
    ORDER BY NOT in_numerator, category, area NULLS LAST, case_key"""


@dataclass(frozen=True)
class Explanation:
    inspection_id: str
    force: str
    metric: str
    framework: str | None  # None: a warehouse of contract v1.1
    definition: tuple[str, str, str]  # the metric in words; its numerator, denominator (SQL)
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
    found = conn.execute(
        "SELECT DISTINCT force FROM headline_figures WHERE inspection_id = $1", [inspection]
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
    framework, defined = _definitions(conn, present, inspection)
    if metric not in defined:
        under = f" (those of {framework}, the framework of {inspection})" if framework else ""
        raise CaseAuditError(
            f"no headline metric {metric!r}; the metrics are {', '.join(defined)}{under}."
        )
    found = conn.execute(
        "SELECT force, numerator, denominator FROM headline_figures "
        "WHERE inspection_id = $1 AND metric = $2",
        [inspection, metric],
    ).fetchall()
    force, published_numerator, published_denominator = found[0]
    cases = conn.execute(CASES, [inspection, metric]).fetchall()
    return Explanation(
        inspection,
        force,
        metric,
        framework,
        defined[metric],
        numerator=sum(1 for case in cases if case[3]),
        denominator=len(cases),
        published=(published_numerator, published_denominator),
        by_category=_breakdown(cases, 1),
        by_area=_breakdown(cases, 2),
        cases=cases,
    )


RECEIPT_FIELDS = (
    "receipt",
    "framework",
    "framework_sha256",
    "rules_version",
    "product_version",
    "numerator_expression",
    "denominator_expression",
    "description",
    "input_sha256",
    "numerator",
    "denominator",
    "numerator_digest",
    "denominator_digest",
)


def case_digest(keys: list[str]) -> str:
    """A set of cases as a digest: SHA-256 (hex) of their case_keys, sorted, joined by a line
    feed (figure_receipts computes the same in SQL; a party holding the cases can too)."""
    return hashlib.sha256("\n".join(sorted(keys)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Receipt:
    fields: dict[str, object]  # RECEIPT_FIELDS, as figure_receipts holds them
    numerator_digest: str  # recomputed here from metric_cases
    denominator_digest: str

    @property
    def agrees(self) -> bool:
        return (self.numerator_digest, self.denominator_digest) == (
            self.fields["numerator_digest"],
            self.fields["denominator_digest"],
        )


def receipt(conn: duckdb.DuckDBPyConnection, inspection: str, metric: str) -> Receipt:
    """`inspection`'s `metric` receipt, with its digests recomputed from the cases behind it,
    so the reader sees whether the stored receipt holds."""
    found = explain(conn, inspection, metric)
    present = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'figure_receipts'"
    ).fetchall()[0][0]
    if not present:
        raise CaseAuditError(
            "this warehouse holds no receipts (table figure_receipts): it was built by an "
            "older case-audit; run case-audit again."
        )
    row = conn.execute(
        f"SELECT {', '.join(RECEIPT_FIELDS)} FROM figure_receipts "
        "WHERE inspection_id = $1 AND metric = $2",
        [inspection, metric],
    ).fetchall()[0]
    return Receipt(
        dict(zip(RECEIPT_FIELDS, row, strict=True)),
        case_digest([key for key, _, _, counted in found.cases if counted]),
        case_digest([key for key, _, _, _ in found.cases]),
    )


def _definitions(
    conn: duckdb.DuckDBPyConnection, present: set[str], inspection: str
) -> tuple[str | None, dict[str, tuple[str, str, str]]]:
    """The inspection's framework and its metrics' definitions (words, numerator and
    denominator as SQL), as the warehouse states them (tables metrics and headline_figures);
    a warehouse of contract v1.1 states no definitions: its metrics' names only."""
    columns = {
        name
        for (name,) in conn.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'headline_figures'"
        ).fetchall()
    }
    if "metrics" not in present or "framework" not in columns:
        names = conn.execute(
            "SELECT DISTINCT metric FROM headline_figures WHERE inspection_id = $1 ORDER BY 1",
            [inspection],
        ).fetchall()
        unstated = "(not stated: a warehouse built under contract v1.1)"
        return None, {name: (unstated, "", "") for (name,) in names}
    [(framework,)] = conn.execute(
        "SELECT any_value(framework) FROM headline_figures WHERE inspection_id = $1", [inspection]
    ).fetchall()
    rows = conn.execute(
        "SELECT metric, coalesce(nullif(description, ''), label), numerator, denominator "
        "FROM metrics WHERE framework = $1 ORDER BY metric_order",
        [framework],
    ).fetchall()
    return framework, {name: (words, num, den) for name, words, num, den in rows}


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
