"""Partitioned runs by inspection, in Dagster: one partition per folder of the input folder.

- `inspection_warehouse` (partitioned): one partition's whole pipeline, the same code as
  `case-audit run`, over `<input>/<key>/` into its own warehouse. Partitions are independent:
  they can run at the same time (each has its own build folder and lock), be backfilled, and
  fail alone.
- `partitioned_warehouse`: merges the partitions' published warehouses (pipeline/partitions/
  merge.py) and publishes the result as the analysts' warehouse, with its feeds and dashboard.
"""

from pathlib import Path

import dagster as dg
import duckdb

from pipeline.errors import CaseAuditError
from pipeline.metadata import OWNERS, frame_metadata
from pipeline.operations import history
from pipeline.partitions.layout import (
    files_outside_partitions,
    partition_keys,
    partition_settings,
)
from pipeline.partitions.merge import merge_partitions
from pipeline.publish.assets import publish_again
from pipeline.publish.atomic import atomic_replace
from pipeline.publish.dashboard import dashboard_from_feeds
from pipeline.publish.feeds import publish_feeds
from pipeline.publish.targets import publish_copies
from pipeline.resources import CaseAuditPaths, CaseAuditResource
from pipeline.runner import run_pipeline
from pipeline.settings import parse_targets

inspection_partitions = dg.DynamicPartitionsDefinition(name="inspection")
GROUP = "partitions"


def partition_warehouses(paths: CaseAuditPaths) -> dict[str, Path]:
    """key -> published warehouse of every partition folder now in the input folder."""
    settings = paths.settings()
    return {key: partition_settings(settings, key).warehouse
            for key in partition_keys(settings.input_dir)}  # fmt: skip


@dg.asset(
    partitions_def=inspection_partitions,
    group_name=GROUP,
    owners=OWNERS,
    kinds={"duckdb"},
    description="One inspection's warehouse: the whole pipeline over the input folder's "
    "subfolder named by the partition key, published under <warehouse folder>/partitions/.",
)
def inspection_warehouse(
    context: dg.AssetExecutionContext, case_audit_paths: CaseAuditPaths
) -> dg.MaterializeResult:
    key = context.partition_key
    settings = partition_settings(case_audit_paths.settings(), key)
    if not settings.input_dir.is_dir():
        raise dg.Failure(f"partition {key}: there is no folder {settings.input_dir}")
    outcome = run_pipeline(settings, run_date=case_audit_paths.run_date, quiet=True)
    if not outcome.success:
        raise dg.Failure(
            f"partition {key}: the run failed, its published warehouse is unchanged: "
            + "; ".join(outcome.problems)
        )
    with duckdb.connect(str(settings.warehouse), read_only=True) as conn:
        files, read, loaded, rejected = conn.execute(
            "SELECT count(*), sum(rows_read), sum(rows_loaded), sum(rows_rejected) FROM file_loads"
        ).fetchone()
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.warehouse)),
            "files": files,
            "rows_read": int(read or 0),
            "rows_loaded": int(loaded or 0),
            "rows_rejected": int(rejected or 0),
            "partition_run_id": outcome.run_id,
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
    warehouses = partition_warehouses(case_audit)
    missing = sorted(key for key, path in warehouses.items() if not path.exists())
    if missing:
        raise dg.Failure(
            f"partition(s) not built yet: {', '.join(missing)}; run them first (the published "
            "warehouse is unchanged)."
        )
    build = case_audit.ensure_build_dir() / "merged.duckdb"
    with case_audit.connect() as state:  # runs recorded for the merged warehouse itself
        history.ensure_history(state, case_audit.published_path)
        history.absorb_inbox(state, case_audit)
        own = history.export_history(state, case_audit.build_dir / "merged_history.duckdb")
    try:
        by_partition = merge_partitions(build, warehouses, case_audit.reference_path, own)
    except CaseAuditError as exc:
        build.unlink(missing_ok=True)
        raise dg.Failure(f"{exc} The published warehouse is unchanged.") from None
    finally:
        own.unlink(missing_ok=True)
    published = atomic_replace(build, case_audit.published_path)
    build.unlink()
    copies = publish_copies(published, parse_targets(case_audit.publish_to))
    feeds = Path(case_audit.feeds_dir)
    publish_feeds(published, feeds, context.run.run_id, case_audit.suppression_threshold)
    dashboard_from_feeds(feeds)
    with case_audit.connect() as state:
        publish_again(state)  # a whole-folder run after this one publishes again
        # a failure recorded later is republished from the build: it must keep these runs
        history.adopt_history(state, published)
    outside = files_outside_partitions(Path(case_audit.input_dir))
    if outside:
        context.log.warning(f"{len(outside)} file(s) outside any partition, not loaded: "
                            + ", ".join(outside[:10]))  # fmt: skip
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(by_partition),
            "path": dg.MetadataValue.path(str(published)),
            "files_outside_partitions": len(outside),
            "copied_to": ", ".join(copies),
        }
    )


ASSETS = [inspection_warehouse, partitioned_warehouse]
inspection_job = dg.define_asset_job(
    "inspection_job",
    selection=[inspection_warehouse],
    description="One partition (a folder of the input folder) through the whole pipeline.",
)
merge_job = dg.define_asset_job(
    "partitioned_merge_job",
    selection=[partitioned_warehouse],
    description="Merge the partitions' warehouses and publish the result.",
)
