"""The validation asset: every row of every input file judged (pandera over each row, the
rules that compare rows across files), into the private staging database. The tables a run
publishes are then made from it by the models (pipeline/defs/tables.py)."""

import dagster as dg

from pipeline.defs.ingest import input_files
from pipeline.defs.metadata import OWNERS, frame_metadata
from pipeline.defs.resources import CaseAuditResource
from pipeline.validate.step import validate_inputs

# the staged rows' columns (none of their values: they are a provider's), and how many rows
STAGED_ROWS = "SELECT * FROM staging.staged_rows LIMIT 0"


def current_rows(conn: object) -> int:
    """Rows staged for this run's files."""
    return conn.execute(
        "SELECT count(*) FROM staging.staged_rows SEMI JOIN staging.current_files USING (sha256)"
    ).fetchone()[0]


@dg.asset(
    deps=[input_files],
    group_name="validate",
    owners=OWNERS,
    kinds={"pandera", "duckdb"},
    description=(
        "Every row of every input file, judged: the pandera schema over each row, then the "
        "rules that compare rows (duplicate case_ref, force mismatch) across files. Kept in "
        "the private staging database, never published (it holds providers' references); a "
        "file unchanged since it was last judged is not read again."
    ),
)
def validated_rows(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> dg.MaterializeResult:
    workspace = case_audit.workspace()
    done = validate_inputs(workspace)
    if done.staging.migrated:
        context.log.warning(done.sentence())
    with workspace.connect() as conn:
        shown = frame_metadata(conn.execute(STAGED_ROWS).df(), rows=current_rows(conn))
    shown["preview"] = dg.MetadataValue.md("_not previewed: providers' rows stay in staging_")
    return dg.MaterializeResult(
        metadata={
            **shown,
            "files_read_this_run": done.staging.files_staged,
            "files_reused": done.staging.files_reused,
            "rows_read_this_run": done.staging.rows_staged,
            "case_audits": done.assembly,
            "summary": done.sentence(),
        }
    )
