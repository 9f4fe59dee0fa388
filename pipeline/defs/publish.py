"""Publish assets: the analysts' warehouse swapped in atomically (only after the blocking
checks pass: a run that fails before leaves it as it was), then the feeds and the dashboard."""

import functools
from pathlib import Path

import dagster as dg

from pipeline.defs.metadata import OWNERS, frame_metadata
from pipeline.defs.resources import CaseAuditResource
from pipeline.defs.run_events import run_info
from pipeline.defs.tables import table_assets
from pipeline.lazy import pd
from pipeline.publish.steps import publish_dashboard, publish_dashboard_feeds, publish_warehouse

PUBLISHED_WAREHOUSE = dg.AssetKey("published_warehouse")


@functools.cache
def published_warehouse_asset() -> dg.AssetsDefinition:
    """The published warehouse's asset, reading every table (made when definitions load)."""

    @dg.asset(
        key=PUBLISHED_WAREHOUSE,
        group_name="publish",
        owners=OWNERS,
        deps=[table_assets()],
        kinds={"duckdb"},
        description="The analysts' warehouse file (CASE_AUDIT_WAREHOUSE), replaced atomically "
        "by a finished build once every blocking check has passed.",
    )
    def published_warehouse(
        context: dg.AssetExecutionContext, case_audit: CaseAuditResource
    ) -> dg.MaterializeResult:
        done = publish_warehouse(case_audit.workspace(), run_info(context.instance, context.run))
        record = done.record
        return dg.MaterializeResult(
            metadata={
                **frame_metadata(done.counts),
                "path": dg.MetadataValue.path(case_audit.warehouse),
                "figures_changed": bool(record.figures_changed),
                "input_changes": record.input_changes or "none",
                "input_fingerprint": record.input_fingerprint or "",
                "failures_recorded_from_inbox": done.absorbed,
                "views": ", ".join(done.views),
                "republished": done.republished,
                "copied_to": ", ".join(done.copies),
                "figures_revised": done.revised,
            }
        )

    return published_warehouse


@dg.asset(
    group_name="publish",
    deps=[PUBLISHED_WAREHOUSE],
    owners=OWNERS,
    kinds={"parquet", "csv"},
    description="Dashboard feeds in CASE_AUDIT_FEEDS_DIR: aggregates only, tidy long format, "
    "Parquet and CSV, with manifest.json; area counts under disclosure control.",
)
def dashboard_feeds(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> dg.MaterializeResult:
    manifest, rebuilt = publish_dashboard_feeds(case_audit.workspace(), context.run.run_id)
    folder = Path(case_audit.feeds_dir)
    return dg.MaterializeResult(metadata=_feed_metadata(manifest, folder, rebuilt=rebuilt))


def _feed_metadata(manifest: dict, folder: Path, rebuilt: bool) -> dict[str, object]:
    sizes = pd.DataFrame(
        [
            (name, info["format"], info["rows"], info["sha256"][:12])
            for name, info in manifest["files"].items()
        ],
        columns=["file", "format", "rows", "sha256"],
    )
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
    manifest, rebuild, path = publish_dashboard(case_audit.workspace())
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
