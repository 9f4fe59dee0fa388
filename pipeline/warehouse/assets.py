"""Warehouse assets: the derived tables, each built by its own file in sql/.

They are computed in one step (`derived_tables`, a multi-asset), which saves a process or a
connection per table; each table is still an asset of its own in the graph and the UI.
`sql_table_asset` makes a single-table asset (the reconcile tables use it).
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipeline.ingest.literal import literal_path
from pipeline.metadata import OWNERS, table_metadata
from pipeline.resources import CaseAuditResource
from pipeline.warehouse.build_state import is_built, mark_built
from pipeline.warehouse.sql import build_table
from schemas.warehouse import DERIVED, built_by


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


def sql_table_asset(
    name: str,
    description: str,
    deps: list[str],
    group_name: str,
    variables: dict[str, str] | None = None,
) -> dg.AssetsDefinition:
    """An asset that runs `sql/<name>.sql`, unless already built from this run's inputs.

    `variables` maps a DuckDB variable the SQL reads with getvariable() to the name of a
    file below the reference folder.
    """

    @dg.asset(
        name=name,
        group_name=group_name,
        owners=OWNERS,
        deps=deps,
        description=description,
        kinds={"duckdb", "sql"},
    )
    def _asset(case_audit: CaseAuditResource) -> dg.MaterializeResult:
        with case_audit.connect() as conn:
            if not is_built(conn, name, name):
                with reference_variables(conn, variables or {}, case_audit.reference_path):
                    build_table(conn, name)
                mark_built(conn, name)
            return dg.MaterializeResult(metadata=table_metadata(conn, name))

    return _asset


# the derived tables, in build order, as the registry declares them (schemas/warehouse.py)
TABLES = built_by(DERIVED)


def _spec(name: str, text: str, deps: list[str]) -> dg.AssetSpec:
    return dg.AssetSpec(name, group_name="warehouse", owners=OWNERS, deps=deps, description=text,
                        kinds={"duckdb", "sql"}, skippable=True)  # fmt: skip


@dg.multi_asset(
    specs=[_spec(t.name, t.description, list(t.reads)) for t in TABLES],
    can_subset=True,
    name="derived_tables",
)
def derived_tables(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> Iterator[dg.MaterializeResult]:
    """All derived tables in one step (one connection), in dependency order; each still its
    own asset, and any subset can be materialised."""
    selected = {key.to_user_string() for key in context.selected_asset_keys}
    with case_audit.connect() as conn:
        for table in TABLES:
            name = table.name
            if name not in selected:
                continue
            if not is_built(conn, name, name):
                for view in table.helpers:
                    build_table(conn, view)
                build_table(conn, name)
                mark_built(conn, name)
            yield dg.MaterializeResult(asset_key=name, metadata=table_metadata(conn, name))


ASSETS = [derived_tables]
