"""Run the `sql/<table>.sql` file that builds one table or view."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import duckdb

from pipeline.settings import SQL_DIR
from pipeline.storage.literal import literal_path


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


@contextmanager
def reference_variables(
    conn: duckdb.DuckDBPyConnection,
    variables: dict[str, str],
    reference_path: Callable[[str], Path],
) -> Iterator[None]:
    """Point each DuckDB variable an SQL file reads at its file below the reference folder,
    by a literal path (a folder name is never read as a pattern), for the block."""
    with ExitStack() as stack:
        for variable, file_name in variables.items():
            link = stack.enter_context(literal_path(reference_path(file_name)))
            conn.execute(f"SET VARIABLE {variable} = ?", [link])
        yield
