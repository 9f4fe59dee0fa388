"""Row conservation: every row read is either loaded or quarantined, per file."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipeline.lazy import pd


@dataclass(frozen=True)
class CheckResult:
    """A blocking check's verdict: passed, one sentence, figures and the failing rows."""

    passed: bool
    description: str
    figures: dict[str, int] = field(default_factory=dict)
    failing: pd.DataFrame | None = None


def rows_conserved(conn: duckdb.DuckDBPyConnection) -> CheckResult:
    """Fails naming each loaded file where rows_read != rows_loaded + rows_rejected."""
    broken = conn.execute(
        """
        SELECT source_file, rows_read, rows_loaded, rows_rejected
        FROM file_loads
        WHERE status = 'loaded' AND rows_read <> rows_loaded + rows_rejected
        ORDER BY source_file
        """
    ).df()
    totals = conn.execute(
        "SELECT count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), "
        "coalesce(sum(rows_rejected), 0) FROM file_loads WHERE status = 'loaded'"
    ).fetchone()
    files, read, loaded, rejected = (int(v) for v in totals)
    description = (
        f"{len(broken)} file(s) lose or invent rows: "
        + "; ".join(
            f"{r.source_file}: read {r.rows_read}, loaded {r.rows_loaded}, "
            f"rejected {r.rows_rejected}"
            for r in broken.itertuples()
        )
        if len(broken)
        else f"{files} file(s): {read} rows read = {loaded} loaded + {rejected} rejected"
    )
    return CheckResult(
        passed=broken.empty,
        description=description,
        figures={"rows_read": read, "rows_loaded": loaded, "rows_rejected": rejected},
        failing=broken,
    )
