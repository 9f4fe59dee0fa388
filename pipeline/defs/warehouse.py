"""Warehouse assets: the derived tables, each its own asset, computed in one step
(`derived_tables`, a multi-asset: one connection, any subset can be materialised)."""

from collections.abc import Iterator

import dagster as dg

from pipeline.defs.metadata import OWNERS, definition_metadata, table_metadata
from pipeline.defs.resources import CaseAuditResource
from pipeline.warehouse.derived import TABLES, build_derived


@dg.multi_asset(
    specs=[
        dg.AssetSpec(t.name, group_name="warehouse", owners=OWNERS, deps=list(t.reads),
                     description=t.description, kinds={"duckdb", "sql"}, skippable=True,
                     metadata=definition_metadata(t.name))
        for t in TABLES
    ],
    can_subset=True,
    name="derived_tables",
)  # fmt: skip
def derived_tables(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> Iterator[dg.MaterializeResult]:
    workspace = case_audit.workspace()
    selected = {key.to_user_string() for key in context.selected_asset_keys}
    names = build_derived(workspace, selected)
    with workspace.connect() as conn:
        for name in names:
            yield dg.MaterializeResult(asset_key=name, metadata=table_metadata(conn, name))


ASSETS = [derived_tables]
