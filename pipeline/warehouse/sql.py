"""Run the `sql/<table>.sql` file that builds one table or view."""

from __future__ import annotations

import duckdb

from pipeline.settings import SQL_DIR


def sql_text(name: str) -> str:
    """The SQL that builds `name` (a file per table or view, named as the table)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def build_table(conn: duckdb.DuckDBPyConnection, name: str) -> None:
    conn.execute(sql_text(name))


def build_views(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The consumer views (`sql/views/v_*.sql`), in name order; returns their names."""
    names = sorted(path.stem for path in (SQL_DIR / "views").glob("v_*.sql"))
    for name in names:
        build_table(conn, f"views/{name}")
    return names
