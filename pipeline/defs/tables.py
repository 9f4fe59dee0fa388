"""The warehouse's tables, one asset each, all made by one subsettable step from their model
files (pipeline/*/models/*.sql): validation's (case_audits, rejected_rows, file_loads,
data_queries), the derived ones and the reconciliation. Each asset's inputs are the ones its
SQL reads, so the lineage Dagster shows is the SQL's. The blocking checks on file_loads (rows
conserved) and published_reconciliation (figures reconcile) stop publishing when they fail."""

import functools
from collections.abc import Iterator

import dagster as dg

from pipeline.defs.metadata import OWNERS, check_result, definition_metadata, table_metadata
from pipeline.defs.resources import CaseAuditResource
from pipeline.defs.validate import validated_rows
from pipeline.reconcile.checks import figures_reconcile
from pipeline.reconcile.tables import build_tables, table_models
from pipeline.settings import quarantine_warn_percent
from pipeline.storage.models import Model
from pipeline.validate.checks import CheckResult, quarantine_rates, refused_files, rows_conserved
from pipeline.warehouse.registry import layer_of


def deps_of(model: Model) -> list[dg.AssetKey]:
    """The assets `model` reads: the models its SQL names, and validated_rows for what it
    reads of the staging database."""
    made = {m.name for m in table_models()}
    keys = {dg.AssetKey(r) for r in model.reads if r in made}
    if any(r.startswith("staging.") for r in model.reads):
        keys.add(validated_rows.key)
    return sorted(keys, key=lambda key: key.to_user_string())


@functools.cache
def table_assets() -> dg.AssetsDefinition:
    """The tables' assets, made when the definitions are loaded (reading the model files is
    I/O, which importing this module never does)."""

    @dg.multi_asset(
        specs=[
            dg.AssetSpec(
                model.name,
                group_name=layer_of(model),
                owners=OWNERS,
                deps=deps_of(model),
                description=model.description,
                kinds={"duckdb", "sql"},
                skippable=True,
                metadata=definition_metadata(model.name),
            )
            for model in table_models()
        ],
        can_subset=True,
        name="warehouse_tables",
    )
    def warehouse_tables(
        context: dg.AssetExecutionContext, case_audit: CaseAuditResource
    ) -> Iterator[dg.MaterializeResult]:
        workspace = case_audit.workspace()
        selected = {key.to_user_string() for key in context.selected_asset_keys}
        built = build_tables(workspace, selected)
        context.log.info(f"built {len(built)} of {len(selected)} table(s): {', '.join(built)}")
        with workspace.connect() as conn:
            for name in (m.name for m in table_models() if m.name in selected):
                metadata = table_metadata(conn, name)
                if name == "file_loads":
                    limit = quarantine_warn_percent()
                    refused, rates = refused_files(conn), quarantine_rates(conn, limit)
                    for line in _warnings(refused, rates, limit):
                        context.log.warning(line)
                    metadata |= _quality_figures(refused, rates)
                yield dg.MaterializeResult(asset_key=name, metadata=metadata)

    return warehouse_tables


def _warnings(refused: CheckResult, rates: CheckResult, limit: float) -> list[str]:
    """One line per refused file and per file over the quarantine limit."""
    lines = [
        f"{r.source_file}: refused [{r.rule}] (`case-audit rules`; the reason is in file_loads)"
        for r in refused.failing.itertuples()
    ]
    lines += [
        f"{r.source_file}: {r.rows_rejected} of {r.rows_read} rows quarantined "
        f"({r.percent_quarantined:g}%, above {limit:g}%)"
        for r in rates.failing.itertuples()
    ]
    return lines


def _quality_figures(refused: CheckResult, rates: CheckResult) -> dict[str, object]:
    """Numbers the UI plots across runs (Insights / the asset's plots)."""
    read, quarantined = rates.figures["rows_read"], rates.figures["rows_quarantined"]
    return {
        "rows_read": dg.MetadataValue.int(read),
        "rows_quarantined": dg.MetadataValue.int(quarantined),
        "files_refused": dg.MetadataValue.int(refused.figures["files_refused"]),
        "quarantine_rate": dg.MetadataValue.float(round(quarantined / read, 4) if read else 0.0),
    }


# data-quality findings: shown as warnings in the UI, never failing the run
WARN = dg.AssetCheckSeverity.WARN


@dg.asset_check(
    asset="file_loads",
    name="rows_conserved",
    blocking=True,
    description="rows_read = rows_loaded + rows_rejected for every loaded file.",
)
def rows_conserved_check(case_audit: CaseAuditResource) -> dg.AssetCheckResult:
    with case_audit.workspace().connect() as conn:
        return check_result(rows_conserved(conn), "broken_files")


@dg.asset_check(
    asset="file_loads",
    name="no_file_refused",
    description="Warns when a file was refused (its rows are not in the warehouse).",
)
def no_file_refused_check(case_audit: CaseAuditResource) -> dg.AssetCheckResult:
    with case_audit.workspace().connect() as conn:
        return check_result(refused_files(conn), "refused_files", WARN)


@dg.asset_check(
    asset="file_loads",
    name="quarantine_rate",
    description="Warns when a file has more of its rows quarantined than "
    "CASE_AUDIT_QUARANTINE_WARN_PERCENT (default 5%).",
)
def quarantine_rate_check(case_audit: CaseAuditResource) -> dg.AssetCheckResult:
    with case_audit.workspace().connect() as conn:
        rates = quarantine_rates(conn, quarantine_warn_percent())
        return check_result(rates, "files_over_the_limit", WARN)


@dg.asset_check(
    asset="published_reconciliation",
    name="figures_reconcile",
    blocking=True,
    description="Every published figure equals the computed one (counts exactly, "
    "percentage-only figures to the whole number).",
)
def figures_reconcile_check(case_audit: CaseAuditResource) -> dg.AssetCheckResult:
    with case_audit.workspace().connect() as conn:
        return check_result(figures_reconcile(conn), "failing_figures")


CHECKS = [
    rows_conserved_check,
    no_file_refused_check,
    quarantine_rate_check,
    figures_reconcile_check,
]
