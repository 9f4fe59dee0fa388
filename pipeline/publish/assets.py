"""Publish asset: copy the finished build database over the published warehouse atomically.

It runs only after the blocking checks (row conservation, reconciliation) pass. Readers that
hold the old file keep reading the old file; new connections see the new one. A run that
fails or is killed before this point leaves the published warehouse as it was.
"""

import dagster as dg

from pipeline.metadata import OWNERS, frame_metadata
from pipeline.operations import history
from pipeline.publish.atomic import atomic_replace
from pipeline.resources import CaseAuditResource
from pipeline.warehouse.catalogue import apply_comments
from pipeline.warehouse.sql import build_views

PUBLISHED_TABLES = [
    "case_audits",
    "rejected_rows",
    "file_loads",
    "ratings_by_category",
    "ratings_by_area",
    "headline_figures",
    "published_reconciliation",
    "claim_checks",
    "trends",
    "self_assessment_agreement",
    "self_assessment_kappa",
    "quarantine_summary",
]


@dg.asset(
    group_name="publish",
    owners=OWNERS,
    deps=PUBLISHED_TABLES,
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
        views = build_views(conn)
        apply_comments(conn)
        counts = conn.execute(
            " UNION ALL ".join(
                f"SELECT '{t}' AS table_name, count(*) AS row_count FROM {t}"
                for t in [*PUBLISHED_TABLES, history.TABLE]
            )
        ).df()
        conn.execute("CHECKPOINT")
    atomic_replace(case_audit.build_path, published)
    return dg.MaterializeResult(
        metadata={
            **frame_metadata(counts),
            "path": dg.MetadataValue.path(str(published)),
            "figures_changed": bool(record.figures_changed),
            "input_changes": record.input_changes or "none",
            "input_fingerprint": record.input_fingerprint or "",
            "failures_recorded_from_inbox": absorbed,
            "views": ", ".join(views),
        }
    )
