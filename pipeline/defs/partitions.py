"""Partitioned runs by inspection: Dagster's own partitioned assets, one partition per folder
of the input folder, and the merge as an ordinary downstream asset.

A partition's run has the steps of a whole-folder run, each an asset partitioned by
inspection folder (`inspection/input_files` → `inspection/validated_rows` →
`inspection/tables` → `inspection/warehouse`), over `<input>/<key>/` into its own warehouse under
`<warehouse folder>/partitions/<key>/`. Each step is the same library call as the whole
run's, on the partition's workspace, under the partition's own run lock: partitions run at
the same time, are backfilled and fail alone, and every partition run is a run of its own in
the UI. `partitioned_warehouse` then merges the partitions' published warehouses
(pipeline/partitions/) and publishes the result with its feeds and dashboard.
"""

from collections.abc import Iterator

import dagster as dg

from pipeline.defs.metadata import OWNERS, frame_metadata
from pipeline.defs.resources import CaseAuditPaths, CaseAuditResource
from pipeline.defs.run_events import run_info
from pipeline.errors import CaseAuditError
from pipeline.operations.currency import inventory_unless_current
from pipeline.partitions.layout import partition_workspace
from pipeline.partitions.publish import merge_and_publish
from pipeline.publish.steps import publish_warehouse
from pipeline.reconcile.checks import figures_reconcile
from pipeline.reconcile.tables import build_tables
from pipeline.storage.workspace import Workspace
from pipeline.validate.checks import rows_conserved
from pipeline.validate.step import validate_inputs

inspection_partitions = dg.DynamicPartitionsDefinition(name="inspection")
GROUP = "partitions"
PREFIX = "inspection"


def _key(name: str) -> dg.AssetKey:
    return dg.AssetKey([PREFIX, name])


def _partition(context: dg.AssetExecutionContext, paths: CaseAuditPaths) -> Workspace:
    workspace = partition_workspace(paths.workspace(), context.partition_key)
    workspace.preflight()
    return workspace


def _spec(name: str, deps: list[str], kinds: set[str], description: str) -> dict:
    return {
        "key": _key(name),
        "deps": [_key(d) for d in deps],
        "kinds": kinds,
        "partitions_def": inspection_partitions,
        "group_name": GROUP,
        "owners": OWNERS,
        "description": description,
    }


@dg.asset(
    **_spec(
        "input_files",
        [],
        {"python", "duckdb"},
        "One inspection folder's inventory "
        "(as input_files); nothing downstream runs when it is current.",
    ),
    output_required=False,
)
def inspection_input_files(
    context: dg.AssetExecutionContext, case_audit_paths: CaseAuditPaths
) -> Iterator[dg.MaterializeResult]:
    with _partition(context, case_audit_paths).locked() as workspace:
        run = run_info(context.instance, context.run, with_checks=False)
        found = inventory_unless_current(workspace, run)
    if found.current:
        context.log.info(f"partition {context.partition_key}: current, nothing to rebuild.")
        return
    for sentence in found.refused():
        context.log.warning(sentence)
    yield dg.MaterializeResult(metadata={"files_found": len(found.files)})


@dg.asset(
    **_spec(
        "validated_rows",
        ["input_files"],
        {"pandera", "duckdb"},
        "One inspection folder's rows judged, as validated_rows.",
    )
)
def inspection_validated_rows(
    context: dg.AssetExecutionContext, case_audit_paths: CaseAuditPaths
) -> dg.MaterializeResult:
    with _partition(context, case_audit_paths).locked() as workspace:
        done = validate_inputs(workspace)
    context.log.info(done.sentence())
    return dg.MaterializeResult(metadata={"case_audits": done.assembly})


@dg.asset(
    **_spec(
        "tables",
        ["validated_rows"],
        {"duckdb", "sql"},
        "One inspection folder's "
        "tables (as the warehouse's); fails when rows are not conserved or a "
        "published figure does not reconcile.",
    )
)
def inspection_tables(
    context: dg.AssetExecutionContext, case_audit_paths: CaseAuditPaths
) -> dg.MaterializeResult:
    with _partition(context, case_audit_paths).locked() as workspace:
        built = build_tables(workspace)
        with workspace.connect() as conn:
            checks = [rows_conserved(conn), figures_reconcile(conn)]
    if failed := [c.description for c in checks if not c.passed]:
        raise CaseAuditError(f"partition {context.partition_key}: " + "; ".join(failed))
    said = "; ".join(c.description for c in checks)
    return dg.MaterializeResult(metadata={"tables": ", ".join(built), "checks": said})


@dg.asset(
    **_spec(
        "warehouse",
        ["tables"],
        {"duckdb"},
        "One inspection folder's warehouse, published under <warehouse folder>/partitions/<key>/.",
    )
)
def inspection_warehouse(
    context: dg.AssetExecutionContext, case_audit_paths: CaseAuditPaths
) -> dg.MaterializeResult:
    run = run_info(context.instance, context.run)
    with _partition(context, case_audit_paths).locked() as workspace:
        done = publish_warehouse(workspace, run, last_step=True)
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(done.counts),
            "path": dg.MetadataValue.path(workspace.warehouse),
            "rows_loaded": int(done.record.rows_loaded or 0),
            "rows_rejected": int(done.record.rows_rejected or 0),
            "republished": done.republished,
        }
    )


@dg.asset(
    deps=[inspection_warehouse],
    group_name=GROUP,
    owners=OWNERS,
    kinds={"duckdb"},
    description="The analysts' warehouse (CASE_AUDIT_WAREHOUSE) merged from every partition's "
    "warehouse, derived tables and reconciliation computed again over the union, then its "
    "feeds and dashboard; replaced atomically only when every blocking check passes.",
)
def partitioned_warehouse(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> dg.MaterializeResult:
    merged = merge_and_publish(case_audit.workspace(), context.run.run_id)
    if merged.outside:
        context.log.warning(
            f"{len(merged.outside)} file(s) outside any partition, not "
            "loaded: " + ", ".join(merged.outside[:10])
        )
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(merged.by_partition),
            "path": dg.MetadataValue.path(str(merged.published)),
            "files_outside_partitions": len(merged.outside),
            "copied_to": ", ".join(merged.copies),
        }
    )


PARTITION_STEPS = [
    inspection_input_files,
    inspection_validated_rows,
    inspection_tables,
    inspection_warehouse,
]
ASSETS = [*PARTITION_STEPS, partitioned_warehouse]
inspection_job = dg.define_asset_job(
    "inspection_job",
    selection=PARTITION_STEPS,
    description="One partition (a folder of the input folder) through the whole pipeline.",
)
merge_job = dg.define_asset_job(
    "partitioned_merge_job",
    selection=[partitioned_warehouse],
    description="Merge the partitions' warehouses and publish the result.",
)
