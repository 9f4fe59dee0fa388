"""The reconcile tables: published figures and press claims beside the computed ones, each
built by its file in sql/ with the reference files it reads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from pipeline.storage.build_state import is_built, mark_built
from pipeline.storage.sql import build_table, reference_variables
from pipeline.storage.workspace import Workspace
from schemas.warehouse import RECONCILE, built_by

TABLES = built_by(RECONCILE)


def build_reconcile_table(
    conn: duckdb.DuckDBPyConnection, name: str, reference_path: Callable[[str], Path]
) -> None:
    table = next(t for t in TABLES if t.name == name)
    with reference_variables(conn, dict(table.reference), reference_path):
        build_table(conn, name)


def build_reconciliation(workspace: Workspace, name: str) -> None:
    """Build reconcile table `name` unless already built from this run's inputs."""
    with workspace.connect() as conn:
        if not is_built(conn, name, name):
            build_reconcile_table(conn, name, workspace.reference_path)
            mark_built(conn, name)
