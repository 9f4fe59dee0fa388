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


def refused_files(conn: duckdb.DuckDBPyConnection) -> CheckResult:
    """Passes when no file was refused; else names each refused file and why."""
    refused = conn.execute(  # no message: it may quote a header, which is provider text
        "SELECT source_file, rule FROM file_loads WHERE status = 'refused' ORDER BY source_file"
    ).df()
    files = int(conn.execute("SELECT count(*) FROM file_loads").fetchone()[0])
    description = (
        f"{len(refused)} of {files} file(s) refused: "
        + "; ".join(f"{r.source_file} [{r.rule}]" for r in refused.itertuples())
        if len(refused)
        else f"none of {files} file(s) refused"
    )
    return CheckResult(
        refused.empty, description, {"files": files, "files_refused": len(refused)}, refused
    )


def quarantine_rates(conn: duckdb.DuckDBPyConnection, limit_percent: float) -> CheckResult:
    """Passes when no loaded file has more than `limit_percent` of its rows quarantined."""
    rates = conn.execute(
        "SELECT source_file, rows_read, rows_rejected, "
        "round(100.0 * rows_rejected / rows_read, 1) AS percent_quarantined FROM file_loads "
        "WHERE status = 'loaded' AND rows_read > 0 AND 100.0 * rows_rejected / rows_read > ? "
        "ORDER BY percent_quarantined DESC, source_file",
        [limit_percent],
    ).df()
    read, rejected = (
        int(v)
        for v in conn.execute(
            "SELECT coalesce(sum(rows_read), 0), coalesce(sum(rows_rejected), 0) FROM file_loads "
            "WHERE status = 'loaded'"
        ).fetchone()
    )
    said = "; ".join(
        f"{r.source_file}: {r.rows_rejected} of {r.rows_read} rows ({r.percent_quarantined:g}%)"
        for r in rates.itertuples()
    )
    description = (
        f"{len(rates)} file(s) with more than {limit_percent:g}% of their rows quarantined: " + said
        if len(rates)
        else f"no file has more than {limit_percent:g}% of its rows quarantined "
        f"({rejected} of {read} rows in all)"
    )
    return CheckResult(
        rates.empty,
        description,
        {"rows_read": read, "rows_quarantined": rejected, "files_over_limit": len(rates)},
        rates,
    )
