"""Publish asset: copy the finished build database over the published warehouse atomically.

It runs only after the blocking checks (row conservation, reconciliation) pass. Readers that
hold the old file keep reading the old file; new connections see the new one. A run that
fails or is killed before this point leaves the published warehouse as it was.
"""

from pathlib import Path

import dagster as dg
import duckdb

from pipeline.lazy import pd
from pipeline.metadata import OWNERS, frame_metadata
from pipeline.operations import history
from pipeline.publish.atomic import atomic_replace
from pipeline.publish.dashboard import dashboard_from_feeds, read_manifest
from pipeline.publish.feeds import feed_files, publish_feeds
from pipeline.publish.targets import publish_copies
from pipeline.resources import CaseAuditResource
from pipeline.settings import parse_targets
from pipeline.warehouse.build_state import (
    COMPLETE,
    RUN,
    is_built,
    mark_built,
    published_intact,
    remember,
    remember_published,
    remembered,
)
from pipeline.warehouse.catalogue import apply_comments
from pipeline.warehouse.sql import build_views
from schemas.warehouse import PUBLISHED_TABLES

PUBLISH_STEPS = ("published_warehouse", "dashboard_feeds", "dashboard")


def publish_again(conn: duckdb.DuckDBPyConnection) -> None:
    """Forget that this build was published (the published files were replaced another way,
    by the partitioned merge): the next whole-folder run publishes again."""
    for step in (COMPLETE, *PUBLISH_STEPS):
        remember(conn, step, "")


@dg.asset(
    group_name="publish",
    owners=OWNERS,
    deps=list(PUBLISHED_TABLES),
    kinds={"duckdb"},
    description="The analysts' warehouse file (CASE_AUDIT_WAREHOUSE), replaced atomically by "
    "a finished build once every blocking check has passed.",
)
def published_warehouse(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> dg.MaterializeResult:
    published = case_audit.published_path
    with case_audit.connect() as conn:
        history.ensure_history(conn, published)
        absorbed = history.absorb_inbox(conn, case_audit)
        record = history.success_record(conn, context, published)
        history.add_records(conn, [record])
        # Nothing new to publish (same inputs, code and settings as the published file, and no
        # failure to report): the run is kept in the build's history, published next time.
        unchanged = (
            absorbed == 0
            and is_built(conn, "published_warehouse")
            and published_intact(conn, [published])  # deleted, truncated or altered: again
        )
        views = [] if unchanged else build_views(conn)
        if not unchanged:
            apply_comments(conn)
        counts = conn.execute(
            " UNION ALL ".join(
                f"SELECT '{t}' AS table_name, count(*) AS row_count FROM {t}"
                for t in [*PUBLISHED_TABLES, history.TABLE]
            )
        ).df()
        conn.execute("CHECKPOINT")
        copies: list[str] = []
        if not unchanged:
            atomic_replace(case_audit.build_path, published)
            remember_published(conn, [published], by_content=False)
            copies = publish_copies(published, parse_targets(case_audit.publish_to))
            mark_built(conn, "published_warehouse")
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(counts),
            "path": dg.MetadataValue.path(str(published)),
            "figures_changed": bool(record.figures_changed),
            "input_changes": record.input_changes or "none",
            "input_fingerprint": record.input_fingerprint or "",
            "failures_recorded_from_inbox": absorbed,
            "views": ", ".join(views),
            "republished": not unchanged,
            "copied_to": ", ".join(copies),
        }
    )


@dg.asset(
    group_name="publish",
    deps=["published_warehouse"],
    owners=OWNERS,
    kinds={"parquet", "csv"},
    description="Dashboard feeds in CASE_AUDIT_FEEDS_DIR: aggregates only, tidy long format, "
    "Parquet and CSV, with manifest.json; area counts under disclosure control.",
)
def dashboard_feeds(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> dg.MaterializeResult:
    folder = Path(case_audit.feeds_dir)
    with case_audit.connect() as state:
        if is_built(state, "dashboard_feeds") and published_intact(state, feed_files(folder)):
            manifest = read_manifest(folder)
            return dg.MaterializeResult(metadata=_feed_metadata(manifest, folder, rebuilt=False))
    manifest = publish_feeds(case_audit.published_path, folder, context.run.run_id,
                             case_audit.suppression_threshold)  # fmt: skip
    with case_audit.connect() as state:
        remember_published(state, feed_files(folder), by_content=True)
        mark_built(state, "dashboard_feeds")
    return dg.MaterializeResult(metadata=_feed_metadata(manifest, folder, rebuilt=True))


def _feed_metadata(manifest: dict, folder: Path, rebuilt: bool) -> dict[str, object]:
    sizes = pd.DataFrame(
        [(name, info["format"], info["rows"], info["sha256"][:12])
         for name, info in manifest["files"].items()],
        columns=["file", "format", "rows", "sha256"],
    )  # fmt: skip
    return {
        **frame_metadata(sizes),
        "folder": dg.MetadataValue.path(str(folder)),
        "schema_version": manifest["schema_version"],
        "source_run_id": manifest["source_run_id"],
        "rebuilt": rebuilt,
    }


@dg.asset(
    group_name="publish",
    deps=["dashboard_feeds"],
    owners=OWNERS,
    kinds={"html"},
    description="dashboard.html in the feeds folder: one self-contained page (no network "
    "request) built from the feeds, with charts and their data tables.",
)
def dashboard(case_audit: CaseAuditResource) -> dg.MaterializeResult:
    folder = Path(case_audit.feeds_dir)
    path = folder / "dashboard.html"
    with case_audit.connect() as state:
        rebuild = not (is_built(state, "dashboard") and published_intact(state, [path]))
    manifest = dashboard_from_feeds(folder) if rebuild else read_manifest(folder)
    with case_audit.connect() as state:
        remember_published(state, [path], by_content=True)
        mark_built(state, "dashboard")
        # everything is published from this run's inputs: the next run over the very same
        # inputs, code and settings has nothing to do (see case_files)
        remember(state, COMPLETE, remembered(state, RUN) or "")
    sections = pd.DataFrame(
        {"file": list(manifest["files"]), "rows": [f["rows"] for f in manifest["files"].values()]}
    )
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(sections),
            "path": dg.MetadataValue.path(str(path)),
            "bytes": path.stat().st_size,
            "rebuilt": rebuild,
        }
    )
