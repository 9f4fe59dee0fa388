"""Row conservation: every row read is either loaded or quarantined, per file."""

import dagster as dg
import duckdb

from pipeline.metadata import markdown_table
from pipeline.resources import CaseAuditResource


def rows_conserved(conn: duckdb.DuckDBPyConnection) -> dg.AssetCheckResult:
    """Fails naming each loaded file where rows_read != rows_loaded + rows_rejected."""
    broken = conn.execute(
        """
        SELECT source_file, rows_read, rows_loaded, rows_rejected
        FROM file_loads
        WHERE status = 'loaded' AND rows_read <> rows_loaded + rows_rejected
        ORDER BY source_file
        """
    ).df()
    totals = conn.execute(
        "SELECT count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), "
        "coalesce(sum(rows_rejected), 0) FROM file_loads WHERE status = 'loaded'"
    ).fetchone()
    files, read, loaded, rejected = (int(v) for v in totals)
    description = (
        f"{len(broken)} file(s) lose or invent rows: "
        + "; ".join(
            f"{r.source_file}: read {r.rows_read}, loaded {r.rows_loaded}, "
            f"rejected {r.rows_rejected}"
            for r in broken.itertuples()
        )
        if len(broken)
        else f"{files} file(s): {read} rows read = {loaded} loaded + {rejected} rejected"
    )
    return dg.AssetCheckResult(
        passed=broken.empty,
        description=description,
        metadata={
            "rows_read": read,
            "rows_loaded": loaded,
            "rows_rejected": rejected,
            "broken_files": dg.MetadataValue.md(markdown_table(broken)),
        },
    )


@dg.asset_check(
    asset="file_loads",
    blocking=True,
    description="rows_read = rows_loaded + rows_rejected for every loaded file.",
)
def file_loads_rows_conserved(case_audit: CaseAuditResource) -> dg.AssetCheckResult:
    with case_audit.connect() as conn:
        return rows_conserved(conn)


CHECKS = [file_loads_rows_conserved]
