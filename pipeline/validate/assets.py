"""Validate asset: quarantine every failing row with all its reasons, load the rest.

One step writes the three tables that must agree with each other: `case_audits` (valid
rows, pseudonymised), `rejected_rows` (reasons) and `file_loads` (per-file accounting).
"""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from pipeline.metadata import OWNERS, table_metadata
from pipeline.resources import CaseAuditResource
from pipeline.validate.engine import assemble, run_fingerprint, stage_inputs
from pipeline.warehouse.build_state import RUN, is_built, mark_built, remember
from pipeline.warehouse.pseudonym import load_key
from schemas.warehouse import VALIDATE, built_by

TABLES = {table.name: table.description for table in built_by(VALIDATE)}  # the registry's


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            name,
            group_name="validate",
            owners=OWNERS,
            description=text,
            deps=["case_files"],
            kinds={"pandera", "duckdb"},
        )
        for name, text in TABLES.items()
    ],
)
def validated_cases(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> Iterator[dg.MaterializeResult]:
    key = load_key(Path(case_audit.key_file), may_create=not case_audit.published_path.exists())
    with case_audit.connect() as conn:
        summary = stage_inputs(conn, Path(case_audit.input_dir), case_audit.today, key)
        # over every file found, now that each is staged (whether the run date matters to
        # any of them is known only now): each step compares it with the one it was built
        # from, and the next run's case_files with the last complete run's
        found = conn.execute(  # as inventory.run_files counts them
            "SELECT source_file, coalesce(sha256, 'unreadable') FROM input_files"
        ).fetchall()
        remember(conn, RUN, run_fingerprint(
            conn, found, key, case_audit.today, Path(case_audit.reference_dir),
            case_audit.output_settings))  # fmt: skip
        assembly = "kept"
        if not is_built(conn, "validated_cases", *TABLES):
            assembly = assemble(conn, key)
            mark_built(conn, "validated_cases")
        context.log.info(
            f"{summary.files_staged} file(s) read and validated ({summary.rows_staged} rows), "
            f"{summary.files_reused} unchanged file(s) reused from staging; case_audits "
            f"{assembly}"
        )
        for table in TABLES:
            metadata = table_metadata(conn, table)
            if table == "file_loads":
                metadata |= {"files_read_this_run": summary.files_staged,
                             "files_reused": summary.files_reused,
                             "case_audits": assembly}  # fmt: skip
            yield dg.MaterializeResult(asset_key=table, metadata=metadata)
