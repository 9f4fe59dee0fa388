"""Publish asset: copy the finished build database over the published warehouse atomically.

It runs only after the blocking checks (row conservation, reconciliation) pass. Readers that
hold the old file keep reading the old file; new connections see the new one. A run that
fails or is killed before this point leaves the published warehouse as it was.
"""

import os
import shutil
from pathlib import Path

import dagster as dg

from pipeline.metadata import markdown_table
from pipeline.resources import CaseAuditResource

PUBLISHED_TABLES = [
    "case_audits",
    "rejected_rows",
    "file_loads",
    "ratings_by_category",
    "ratings_by_area",
    "headline_figures",
    "published_reconciliation",
    "claim_checks",
]


def remove_stale_copies(target: Path) -> list[Path]:
    """Temporary copies left by a publish that was killed half-way (never a published file)."""
    stale = sorted(target.parent.glob(f".{target.name}.*.tmp"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def atomic_copy(source: Path, target: Path) -> None:
    """Copy `source` to a temporary file beside `target`, flush it, rename it over `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_copies(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


@dg.asset(
    group_name="publish",
    deps=PUBLISHED_TABLES,
    kinds={"duckdb"},
    description="The analysts' warehouse file (CASE_AUDIT_WAREHOUSE), replaced atomically by "
    "a finished build once every blocking check has passed.",
)
def published_warehouse(case_audit: CaseAuditResource) -> dg.MaterializeResult:
    with case_audit.connect() as conn:
        conn.execute("CHECKPOINT")
        counts = conn.execute(
            " UNION ALL ".join(
                f"SELECT '{t}' AS table_name, count(*) AS row_count FROM {t}"
                for t in PUBLISHED_TABLES
            )
        ).df()
    atomic_copy(case_audit.build_path, case_audit.published_path)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(case_audit.published_path)),
            "tables": dg.MetadataValue.md(markdown_table(counts)),
        }
    )
