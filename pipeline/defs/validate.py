"""Validate assets: every row of every file through the pandera schema; failing rows are
quarantined with all their reasons, the rest loaded. One step writes the three tables that
must agree with each other (`case_audits`, `rejected_rows`, `file_loads`); a blocking check
then proves that no row was lost or invented."""

from collections.abc import Iterator

import dagster as dg

from pipeline.defs.metadata import OWNERS, check_result, definition_metadata, table_metadata
from pipeline.defs.resources import CaseAuditResource
from pipeline.settings import quarantine_warn_percent
from pipeline.validate.checks import CheckResult, quarantine_rates, refused_files, rows_conserved
from pipeline.validate.step import validate_cases
from schemas.warehouse import VALIDATE, built_by


@dg.multi_asset(
    specs=[
        dg.AssetSpec(table.name, group_name="validate", owners=OWNERS,
                     description=table.description, deps=["case_files"],
                     kinds={"pandera", "duckdb"}, metadata=definition_metadata(table.name))
        for table in built_by(VALIDATE)
    ],
)  # fmt: skip
def validated_cases(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> Iterator[dg.MaterializeResult]:
    workspace = case_audit.workspace()
    done = validate_cases(workspace)
    context.log.info(done.sentence())
    with workspace.connect() as conn:
        limit = quarantine_warn_percent()
        refused, rates = refused_files(conn), quarantine_rates(conn, limit)
        for line in _warnings(refused, rates, limit):
            context.log.warning(line)
        for table in built_by(VALIDATE):
            metadata = table_metadata(conn, table.name)
            if table.name == "file_loads":
                metadata |= {"files_read_this_run": done.staging.files_staged,
                             "files_reused": done.staging.files_reused,
                             "case_audits": done.assembly,
                             **_quality_figures(refused, rates)}  # fmt: skip
            yield dg.MaterializeResult(asset_key=table.name, metadata=metadata)


def _warnings(refused: CheckResult, rates: CheckResult, limit: float) -> list[str]:
    """One line per refused file and per file over the quarantine limit."""
    lines = [f"{r.source_file}: refused [{r.rule}] (`case-audit rules`; the reason is in "
             "file_loads)" for r in refused.failing.itertuples()]  # fmt: skip
    lines += [f"{r.source_file}: {r.rows_rejected} of {r.rows_read} rows quarantined "
              f"({r.percent_quarantined:g}%, above {limit:g}%)"
              for r in rates.failing.itertuples()]  # fmt: skip
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


@dg.asset_check(
    asset="file_loads",
    blocking=True,
    description="rows_read = rows_loaded + rows_rejected for every loaded file.",
)
def file_loads_rows_conserved(case_audit: CaseAuditResource) -> dg.AssetCheckResult:
    with case_audit.workspace().connect() as conn:
        return check_result(rows_conserved(conn), "broken_files")


@dg.asset_check(
    asset="file_loads",
    description="Warns when a file was refused (its rows are not in the warehouse).",
)
def file_loads_no_file_refused(case_audit: CaseAuditResource) -> dg.AssetCheckResult:
    with case_audit.workspace().connect() as conn:
        return check_result(refused_files(conn), "refused_files", WARN)


@dg.asset_check(
    asset="file_loads",
    description="Warns when a file has more of its rows quarantined than "
    "CASE_AUDIT_QUARANTINE_WARN_PERCENT (default 5%).",
)
def file_loads_quarantine_rate(case_audit: CaseAuditResource) -> dg.AssetCheckResult:
    with case_audit.workspace().connect() as conn:
        rates = quarantine_rates(conn, quarantine_warn_percent())
        return check_result(rates, "files_over_the_limit", WARN)


# data-quality findings: shown as warnings in the UI, never failing the run
WARN = dg.AssetCheckSeverity.WARN
CHECKS = [file_loads_rows_conserved, file_loads_no_file_refused, file_loads_quarantine_rate]
