"""Ingest asset: the inventory of every accepted file below the input folder (input_files)."""

from collections.abc import Iterator

import dagster as dg

from pipeline.defs.metadata import OWNERS, frame_metadata
from pipeline.defs.resources import CaseAuditResource
from pipeline.defs.retention import purge_dagster_runs, purged_sentence
from pipeline.defs.run_events import run_info
from pipeline.operations.currency import inventory_unless_current
from pipeline.settings import setting

# a run tagged so (the CLI's --rebuild, or a tag added in the launchpad) rebuilds everything
REBUILD_TAG = "case_audit/rebuild"


@dg.asset(
    group_name="ingest",
    owners=OWNERS,
    kinds={"python", "duckdb"},
    description=(
        "The inventory of every .csv, .xlsx and .parquet file below the input folder, with its "
        "content hash (files unchanged since the last run are not read again). A file with "
        "the same content as an earlier one is marked as its duplicate. Input files are never "
        "changed. When the files, the code and the settings are exactly those of the last "
        "complete run, nothing downstream has anything to do: this step then materialises "
        "nothing and Dagster skips the rest of the run. Tag a run case_audit/rebuild=true to "
        "rebuild everything."
    ),
    output_required=False,
)
def input_files(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> Iterator[dg.MaterializeResult]:
    workspace = case_audit.workspace()
    rebuild = context.run.tags.get(REBUILD_TAG, "").lower() == "true"
    found = inventory_unless_current(
        workspace, run_info(context.instance, context.run, with_checks=False), rebuild
    )
    if rebuild:
        context.log.info(
            "Rebuild asked for (tag case_audit/rebuild=true): every file is read "
            "and every table built and published again."
        )
    keep_days = setting("dagster_run_days")
    deleted = purge_dagster_runs(context.instance, workspace.today, keep_days)
    retention = {
        "superseded_files_purged": found.purged.files,
        "superseded_rows_purged": found.purged.rows,
        "retention": found.retention(),
        "dagster_runs_deleted": deleted,
        "dagster_runs": purged_sentence(deleted, keep_days),
    }
    for said in (retention["retention"], retention["dagster_runs"]):
        if said:
            context.log.info(said)
    if found.current:
        context.log_event(dg.AssetObservation("input_files", metadata=retention))
        context.log.info(
            "Input files, code and settings are those of the last complete run: the "
            "published warehouse, feeds and dashboard are current; nothing to rebuild."
        )
        context.log_event(
            dg.AssetMaterialization(
                "published_warehouse",
                description="Confirmed current: nothing changed since the last publish.",
                metadata={"republished": False, "run_fingerprint": found.fingerprint},
            )
        )
        return
    for sentence in found.refused():
        context.log.warning(sentence)
    files = found.files
    yield dg.MaterializeResult(
        metadata={
            **frame_metadata(files[["source_file", "sha256", "size", "refusal_rule"]]),
            "input_dir": workspace.input_dir,
            "files_found": len(files),
            "bytes": int(files["size"].sum()),
            **retention,
        }
    )
