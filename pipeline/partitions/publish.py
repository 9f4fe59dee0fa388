"""Publish the merge of the partitions' warehouses as the analysts' warehouse, with its
feeds and dashboard; the published files are replaced only when every blocking check of the
merged warehouse passes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import CaseAuditError
from pipeline.lazy import pd
from pipeline.operations import history
from pipeline.partitions.layout import files_outside_partitions, partition_warehouses
from pipeline.partitions.merge import merge_partitions
from pipeline.publish.dashboard import dashboard_from_feeds
from pipeline.publish.feeds import publish_feeds
from pipeline.publish.releases import last_release, record_release
from pipeline.publish.steps import publish_again
from pipeline.publish.targets import publish_copies
from pipeline.reconcile.tables import derived_params
from pipeline.settings import parse_targets
from pipeline.storage.atomic import atomic_replace
from pipeline.storage.workspace import Workspace


@dataclass(frozen=True)
class Merged:
    by_partition: pd.DataFrame  # what each partition contributed
    published: Path
    copies: list[str]
    outside: list[str]  # files in no partition, not loaded


def merge_and_publish(workspace: Workspace, run_id: str) -> Merged:
    warehouses = partition_warehouses(workspace.settings())
    missing = sorted(key for key, path in warehouses.items() if not path.exists())
    if missing:
        raise CaseAuditError(
            f"partition(s) not built yet: {', '.join(missing)}; run them first (the published "
            "warehouse is unchanged)."
        )
    build = workspace.ensure_build_dir() / "merged.duckdb"
    with workspace.connect() as state:  # runs recorded for the merged warehouse itself
        history.ensure_history(state, workspace.published_path)
        history.absorb_inbox(state, workspace)
        own = history.export_history(state, workspace.build_dir / "merged_history.duckdb")
    try:
        by_partition = merge_partitions(build, warehouses, derived_params(workspace), own)
    except CaseAuditError as exc:
        build.unlink(missing_ok=True)
        raise CaseAuditError(f"{exc} The published warehouse is unchanged.") from None
    finally:
        own.unlink(missing_ok=True)
    published = atomic_replace(build, workspace.published_path)
    build.unlink()
    copies = publish_copies(published, parse_targets(workspace.publish_to))
    feeds = Path(workspace.feeds_dir)
    with workspace.connect() as state:
        before = last_release(state)
    _, released = publish_feeds(published, feeds, run_id, workspace.suppression_threshold, before)
    dashboard_from_feeds(feeds)
    with workspace.connect() as state:
        record_release(state, released)
        publish_again(state)  # a whole-folder run after this one publishes again
        # a failure recorded later is republished from the build: it must keep these runs
        history.adopt_history(state, published)
    return Merged(
        by_partition, published, copies, files_outside_partitions(Path(workspace.input_dir))
    )
