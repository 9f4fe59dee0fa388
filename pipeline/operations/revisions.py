"""Revisions, never silent (docs/publication.md): each publish records, before it replaces
the published warehouse, every headline figure whose counts it changes, adds or withdraws
(figure_revisions) and the cases that moved (revision_cases, warehouse only), against the
warehouse it replaces. Both tables are histories, carried from build to build."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.operations.history import ensure_history, readable

TABLES = ("figure_revisions", "revision_cases")
SQL = Path(__file__).parent / "sql"
COMPARED = ("headline_figures", "metric_cases", "file_loads")


def record_revisions(
    conn: duckdb.DuckDBPyConnection, run_id: str, published: Path, input_changes: str | None
) -> int:
    """Record this publish's revisions in the build (`conn`) against `published`; returns
    how many figures it revised, added or withdrew. None on a first publish, or against a
    published warehouse without these tables or of another shape (it is replaced whole)."""
    for table in TABLES:
        ensure_history(conn, published, table)
    if not readable(published):
        return 0
    conn.execute("ATTACH ? AS prior (READ_ONLY)", [str(published)])
    try:
        present = {
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'prior' UNION "
                "SELECT view_name FROM duckdb_views() WHERE database_name = 'prior'"
            ).fetchall()
        }
        if not set(COMPARED) <= present:
            return 0
        given = {"run_id": run_id}
        try:
            conn.execute((SQL / "may_have_moved.sql").read_text(encoding="utf-8"))
            conn.execute((SQL / "revision_cases.sql").read_text(encoding="utf-8"), given)
            conn.execute(
                (SQL / "figure_revisions.sql").read_text(encoding="utf-8"),
                {**given, "input_changes": input_changes},
            )
        except (duckdb.BinderException, duckdb.CatalogException):
            # a published warehouse of another shape (contract v1.1: no frameworks) cannot
            # be compared figure by figure: it is replaced whole, as a first publish is
            for table in TABLES:
                conn.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
            return 0
        [(count,)] = conn.execute(
            "SELECT count(*) FROM figure_revisions WHERE run_id = ?", [run_id]
        ).fetchall()
        return count
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.may_have_moved")
        conn.execute("DETACH prior")
