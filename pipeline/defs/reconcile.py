"""Reconcile assets, one per table the registry says the reconcile step builds, and the
blocking check that every published figure equals the computed one."""

import dagster as dg

from pipeline.defs.metadata import OWNERS, check_result, definition_metadata, table_metadata
from pipeline.defs.resources import CaseAuditResource
from pipeline.reconcile.build import TABLES, build_reconciliation
from pipeline.reconcile.checks import figures_reconcile


def reconcile_asset(name: str, description: str, deps: list[str]) -> dg.AssetsDefinition:
    @dg.asset(name=name, group_name="reconcile", owners=OWNERS, deps=deps,
              description=description, kinds={"duckdb", "sql"},
              metadata=definition_metadata(name))  # fmt: skip
    def _asset(case_audit: CaseAuditResource) -> dg.MaterializeResult:
        workspace = case_audit.workspace()
        build_reconciliation(workspace, name)
        with workspace.connect() as conn:
            return dg.MaterializeResult(metadata=table_metadata(conn, name))

    return _asset


ASSETS = [reconcile_asset(t.name, t.description, list(t.reads)) for t in TABLES]


@dg.asset_check(
    asset="published_reconciliation",
    blocking=True,
    description="Every published figure equals the computed one (counts exactly, "
    "percentage-only figures to the whole number).",
)
def published_figures_reconcile(case_audit: CaseAuditResource) -> dg.AssetCheckResult:
    with case_audit.workspace().connect() as conn:
        return check_result(figures_reconcile(conn), "failing_figures")


CHECKS = [published_figures_reconcile]
