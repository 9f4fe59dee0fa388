"""Judge one wording about a published figure without a run: the claim is checked by the
same model as the run's claims (`claim_checks`, rendered with the rulebook of verbal
quantifiers), over the published warehouse, so a journalist's wording is read exactly as a
claim in published_claims.csv would be."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.warehouse.explain import explain
from pipeline.warehouse.registry import models

HEADER = ("inspection_id", "metric", "comparator", "claimed_pct", "wording", "source")


@dataclass(frozen=True)
class Verdict:
    reading: str  # how the wording was read, or `unknown wording`
    holds: bool | None  # None: not judged (unknown wording, or no figure)
    exact_pct: float | None  # the figure's exact percentage
    numerator: int
    denominator: int


def judge(conn: duckdb.DuckDBPyConnection, inspection: str, metric: str, wording: str) -> Verdict:
    """`wording` about `inspection`'s `metric`, judged as claim_checks judges a claim given
    by its wording alone; a plain error naming what exists when the inspection or the metric
    is unknown (explain's)."""
    found = explain(conn, inspection, metric)
    model = models()["claim_checks"]
    with tempfile.TemporaryDirectory(prefix="case-audit-claim-") as folder:
        path = Path(folder) / "claim.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerow([inspection, metric, "", "", wording, "case-audit claim"])
        [(reading, holds)] = conn.execute(
            f"SELECT reading, holds FROM ({model.select})", {"published_claims_csv": str(path)}
        ).fetchall()
    exact = 100 * found.numerator / found.denominator if found.denominator else None
    return Verdict(reading, holds, exact, found.numerator, found.denominator)
