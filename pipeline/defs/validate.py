"""Validate assets: every row of every file through the pandera schema; failing rows are
quarantined with all their reasons, the rest loaded. One step writes the three tables that
must agree with each other (`case_audits`, `rejected_rows`, `file_loads`); a blocking check
then proves that no row was lost or invented."""

from collections.abc import Iterator

import dagster as dg

from pipeline.defs.metadata import OWNERS, check_result, table_metadata
from pipeline.defs.resources import CaseAuditResource
from pipeline.validate.checks import rows_conserved
from pipeline.validate.step import validate_cases
from schemas.warehouse import VALIDATE, built_by


@dg.multi_asset(
    specs=[
        dg.AssetSpec(table.name, group_name="validate", owners=OWNERS,
                     description=table.description, deps=["case_files"],
                     kinds={"pandera", "duckdb"})
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
        for table in built_by(VALIDATE):
            metadata = table_metadata(conn, table.name)
            if table.name == "file_loads":
                metadata |= {"files_read_this_run": done.staging.files_staged,
                             "files_reused": done.staging.files_reused,
                             "case_audits": done.assembly}  # fmt: skip
            yield dg.MaterializeResult(asset_key=table.name, metadata=metadata)


@dg.asset_check(
    asset="file_loads",
    blocking=True,
    description="rows_read = rows_loaded + rows_rejected for every loaded file.",
)
def file_loads_rows_conserved(case_audit: CaseAuditResource) -> dg.AssetCheckResult:
    with case_audit.workspace().connect() as conn:
        return check_result(rows_conserved(conn), "broken_files")


CHECKS = [file_loads_rows_conserved]
