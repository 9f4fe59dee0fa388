"""The publish steps: the warehouse swapped in atomically once every blocking check has
passed, then its feeds and dashboard, each done again only when its inputs changed or what
was published was altered."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.lazy import pd
from pipeline.operations import history
from pipeline.operations.history import RunInfo, RunRecord
from pipeline.operations.revisions import TABLES as REVISION_TABLES
from pipeline.operations.revisions import record_revisions
from pipeline.progress import reporter
from pipeline.publish.dashboard import dashboard_from_feeds, read_manifest
from pipeline.publish.feeds import feed_files, publish_feeds
from pipeline.publish.releases import last_release, record_release
from pipeline.publish.targets import publish_copies
from pipeline.reconcile.tables import table_models
from pipeline.settings import parse_targets
from pipeline.storage.atomic import atomic_replace
from pipeline.storage.build_state import (
    COMPLETE,
    RUN,
    code_digest,
    digest,
    is_current,
    published_intact,
    remember,
    remember_published,
    remembered,
)
from pipeline.storage.models import materialize
from pipeline.storage.workspace import Workspace
from pipeline.warehouse.catalogue import apply_comments
from pipeline.warehouse.registry import in_layers

# what each publishing step is made from, beyond what the step before it made: the
# warehouse's views, comments and run history; the feeds; the page
WAREHOUSE_CODE = (
    "pipeline/publish/models/*.sql",
    "pipeline/*/models/*.sql",  # the relations' words become the warehouse's comments
    "pipeline/warehouse/glossary.toml",
    "pipeline/warehouse/registry.py",
    "pipeline/warehouse/catalogue.py",
    "pipeline/operations/history.py",
    "pipeline/operations/sql/*.sql",
    "pipeline/publish/steps.py",
    "pipeline/publish/targets.py",
)
FEEDS_CODE = (
    "pipeline/publish/feeds.py",
    "pipeline/publish/disclosure.py",
    "pipeline/publish/releases.py",
    "pipeline/safe_csv.py",
)
PAGE_CODE = (
    "pipeline/publish/dashboard.py",
    "pipeline/publish/charts.py",
    "pipeline/publish/templates/*",
)
# what build_state remembers of each publishing step
WAREHOUSE, FEEDS, PAGE = PUBLISH_STEPS = ("publish:warehouse", "publish:feeds", "publish:page")


def _made_from(conn: duckdb.DuckDBPyConnection, step: str, settings: str = "") -> str:
    """What a publishing step is made from: the step before it (for the warehouse, every
    table's model), its own code (WAREHOUSE_CODE, FEEDS_CODE, PAGE_CODE) and `settings`."""
    if step == WAREHOUSE:
        before = [remembered(conn, f"model:{m.name}") for m in table_models()]
        code = WAREHOUSE_CODE
    else:
        before = [remembered(conn, PUBLISH_STEPS[PUBLISH_STEPS.index(step) - 1])]
        code = FEEDS_CODE if step == FEEDS else PAGE_CODE
    return digest(*before, code_digest(code), settings)


def publish_again(conn: duckdb.DuckDBPyConnection) -> None:
    """Forget that this build was published (the published files were replaced another way,
    by the partitioned merge): the next whole-folder run publishes again."""
    for step in (COMPLETE, *PUBLISH_STEPS):
        remember(conn, step, "")


def mark_complete(conn: duckdb.DuckDBPyConnection) -> None:
    """Everything is published from this run's inputs: the next run over the very same
    inputs, code and settings has nothing to do (see operations.currency)."""
    remember(conn, COMPLETE, remembered(conn, RUN) or "")


@dataclass
class WarehousePublished:
    record: RunRecord
    counts: pd.DataFrame  # rows per published table
    republished: bool
    absorbed: int  # failures recorded from the inbox
    views: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    revised: int = 0  # figures this publish revised, added or withdrew (figure_revisions)


def publish_warehouse(
    workspace: Workspace, run: RunInfo, last_step: bool = False
) -> WarehousePublished:
    """Record the run in `pipeline_runs`, build the views and comments, and replace the
    published warehouse with the build (and its further copies). Nothing new to publish
    (same inputs, code and settings as the published file, no failure to report): the run
    is kept in the build's history and published next time."""
    published = workspace.published_path
    reporter().phase("publishing the warehouse")
    with workspace.connect() as conn:
        history.ensure_history(conn, published)
        absorbed = history.absorb_inbox(conn, workspace)
        record = history.success_record(conn, run, published)
        history.add_records(conn, [record])
        made_from = _made_from(conn, WAREHOUSE, workspace.output_settings)
        unchanged = (
            absorbed == 0
            and is_current(conn, WAREHOUSE, made_from)
            and published_intact(conn, [published])  # deleted, truncated or altered: again
        )
        revised = 0
        if not unchanged:  # against the warehouse about to be replaced
            revised = record_revisions(conn, run.run_id, published, record.input_changes)
        views = [] if unchanged else build_views(conn)
        if not unchanged:
            apply_comments(conn)
        counts = conn.execute(
            " UNION ALL ".join(
                f"SELECT '{t}' AS table_name, count(*) AS row_count FROM {t}"
                for t in [
                    *(m.name for m in table_models() if m.kind == "table"),
                    history.TABLE,
                    *REVISION_TABLES,
                ]
            )
        ).df()
        conn.execute("CHECKPOINT")
        copies: list[str] = []
        if not unchanged:
            atomic_replace(workspace.build_path, published)
            remember_published(conn, [published], by_content=False)
            copies = publish_copies(published, parse_targets(workspace.publish_to))
            remember(conn, WAREHOUSE, made_from)
        if last_step:  # a partition's warehouse: the merge publishes feeds and dashboard
            mark_complete(conn)
    return WarehousePublished(record, counts, not unchanged, absorbed, views, copies, revised)


def publish_dashboard_feeds(workspace: Workspace, run_id: str) -> tuple[dict, bool]:
    """The feeds from the published warehouse, unless those published from these inputs are
    intact; returns the manifest and whether the feeds were written."""
    folder = Path(workspace.feeds_dir)
    with workspace.connect() as state:
        made_from = _made_from(state, FEEDS, str(workspace.suppression_threshold))
        if is_current(state, FEEDS, made_from) and published_intact(state, feed_files(folder)):
            return read_manifest(folder), False
        before = last_release(state)
    reporter().phase("writing the dashboard feeds")
    manifest, released = publish_feeds(
        workspace.published_path, folder, run_id, workspace.suppression_threshold, before
    )
    with workspace.connect() as state:
        record_release(state, released)
        remember_published(state, feed_files(folder), by_content=True)
        remember(state, FEEDS, made_from)
    return manifest, True


def publish_dashboard(workspace: Workspace) -> tuple[dict, bool, Path]:
    """dashboard.html from the feeds, unless the one published from these inputs is intact;
    then the whole run is complete: the next run over the same inputs has nothing to do."""
    folder = Path(workspace.feeds_dir)
    path = folder / "dashboard.html"
    with workspace.connect() as state:
        made_from = _made_from(state, PAGE)
        rebuild = not (is_current(state, PAGE, made_from) and published_intact(state, [path]))
    if rebuild:
        reporter().phase("drawing the dashboard")
    manifest = dashboard_from_feeds(folder) if rebuild else read_manifest(folder)
    with workspace.connect() as state:
        remember_published(state, [path], by_content=True)
        remember(state, PAGE, made_from)
        mark_complete(state)
    return manifest, rebuild, path


def build_views(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The consumer views (pipeline/publish/models/), in build order; returns their names."""
    views = in_layers("publish")
    for view in views:
        materialize(conn, view, {})
    return [view.name for view in views]
