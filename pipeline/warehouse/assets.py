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


# (table, description, upstream assets, helper SQL run first): one asset per table
TABLES = (
    ("ratings_by_category", "Ratings per inspection and category: cases, good, "
     "requires_improvement, inadequate, not_good and pct_not_good with its 95% Wilson interval.",
     ["case_audits"], ("macros", "rating_counts")),
    ("ratings_by_area", "Ratings per inspection and area (borough or command unit); NULL area "
     "= not recorded.", ["case_audits"], ("macros", "rating_counts")),
    ("headline_figures", "The contract's headline metrics per inspection: numerator, "
     "denominator, pct and its 95% Wilson interval.", ["case_audits"], ("macros",)),
    ("trends", "Each inspection's headline figures against the same force's previous "
     "inspection, in date order: change in percentage points and whether the 95% intervals "
     "overlap.", ["headline_figures"], ()),
    ("self_assessment_agreement", "Cross-tabulation of the force's self-assessment against "
     "the inspection rating.", ["case_audits"], ()),
    ("self_assessment_kappa", "Cohen's kappa per inspection: agreement of the force's "
     "self-assessment with the inspection beyond chance (acceptable = force good/adequate, "
     "inspection good).", ["case_audits"], ()),
    ("quarantine_summary", "For data providers: rows quarantined per file, rule and column, "
     "with the first rows.", ["rejected_rows"], ()),
)  # fmt: skip


def _spec(name: str, text: str, deps: list[str]) -> dg.AssetSpec:
    return dg.AssetSpec(name, group_name="warehouse", owners=OWNERS, deps=deps, description=text,
                        kinds={"duckdb", "sql"}, skippable=True)  # fmt: skip


@dg.multi_asset(
    specs=[_spec(name, text, deps) for name, text, deps, _ in TABLES],
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
        for name, _, _, views in TABLES:
            if name not in selected:
                continue
            if not is_built(conn, name, name):
                for view in views:
                    build_table(conn, view)
                build_table(conn, name)
                mark_built(conn, name)
            yield dg.MaterializeResult(asset_key=name, metadata=table_metadata(conn, name))


ASSETS = [derived_tables]
