"""The derived tables (ratings, headline figures, trends, ...), each built by its own file in
sql/, in the order the registry declares them (schemas/warehouse.py)."""

from __future__ import annotations

import duckdb

from pipeline.progress import reporter
from pipeline.storage.build_state import is_built, mark_built
from pipeline.storage.sql import build_table
from pipeline.storage.workspace import Workspace
from schemas.warehouse import DERIVED, built_by

TABLES = built_by(DERIVED)


def build_derived_table(conn: duckdb.DuckDBPyConnection, name: str) -> None:
    """One derived table with its helper views, whether or not it was built before."""
    table = next(t for t in TABLES if t.name == name)
    for view in table.helpers:
        build_table(conn, view)
    build_table(conn, name)


def build_derived(workspace: Workspace, selected: set[str] | None = None) -> list[str]:
    """Build the `selected` derived tables (all by default) that are not built from this
    run's inputs yet, in dependency order; returns the names of the tables selected."""
    names = [t.name for t in TABLES if selected is None or t.name in selected]
    reporter().phase("building the derived tables")
    with workspace.connect() as conn:
        for name in names:
            if not is_built(conn, name, name):
                build_derived_table(conn, name)
                mark_built(conn, name)
    return names
