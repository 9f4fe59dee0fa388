"""Ingest asset: the inventory of every accepted file below the input folder."""

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb

from pipeline.errors import CaseAuditError
from pipeline.ingest.inventory import hash_files, known_hashes, run_files, take_inventory
from pipeline.metadata import OWNERS, frame_metadata
from pipeline.operations import history
from pipeline.resources import CaseAuditResource
from pipeline.validate.engine import run_fingerprint
from pipeline.warehouse.build_state import (
    COMPLETE,
    published_intact,
    remembered,
)
from pipeline.warehouse.pseudonym import load_key


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
        "nothing and Dagster skips the rest of the run."
    ),
    output_required=False,
)
def case_files(
    context: dg.AssetExecutionContext, case_audit: CaseAuditResource
) -> Iterator[dg.MaterializeResult]:
    input_dir = Path(case_audit.input_dir)
    with case_audit.connect() as conn:
        known = known_hashes(conn)
        hashed = hash_files(input_dir, known)
        fingerprint = _fingerprint_or_none(conn, case_audit, hashed)
        if fingerprint and _all_current(conn, case_audit, fingerprint):
            # same contents; files merely touched keep their hash under the new size and
            # time, so the next run does not read them again
            touched = [(*h.key[1:], h.hashed_at_ns, h.name) for h in hashed
                       if h.key not in known or known[h.key][1] != h.hashed_at_ns]  # fmt: skip
            if touched:
                conn.executemany(
                    "UPDATE staging.input_files SET size = ?, mtime_ns = ?, ctime_ns = ?, "
                    "inode = ?, hashed_at_ns = ? WHERE source_file = ?",
                    touched,
                )
            history.record_unchanged_run(conn, context, case_audit.published_path)
            context.log.info(
                "Input files, code and settings are those of the last complete run: the "
                "published warehouse, feeds and dashboard are current; nothing to rebuild."
            )
            context.log_event(
                dg.AssetMaterialization(
                    "published_warehouse",
                    description="Confirmed current: nothing changed since the last publish.",
                    metadata={"republished": False, "run_fingerprint": fingerprint},
                )
            )
            return
        inventory = take_inventory(conn, hashed)
    duplicates = inventory[inventory["refusal_rule"].notna()]  # duplicates and unreadable
    for row in duplicates.itertuples():
        context.log.warning(
            f"{row.source_file}: refused [{row.refusal_rule}] {row.refusal_message}"
        )
    yield dg.MaterializeResult(
        metadata={
            **frame_metadata(inventory[["source_file", "sha256", "size", "refusal_rule"]]),
            "input_dir": str(input_dir),
            "files_found": len(inventory),
            "bytes": int(inventory["size"].sum()),
        }
    )


def _fingerprint_or_none(
    conn: duckdb.DuckDBPyConnection, case_audit: CaseAuditResource, hashed: list
) -> str | None:
    """The run's input fingerprint; None without a usable key (validation then says why)."""
    try:
        key = load_key(Path(case_audit.key_file), may_create=False)
    except CaseAuditError:
        return None
    return run_fingerprint(
        conn,
        run_files(hashed),
        key,
        case_audit.today,
        Path(case_audit.reference_dir),
        case_audit.output_settings,
    )


def _all_current(
    conn: duckdb.DuckDBPyConnection, case_audit: CaseAuditResource, fingerprint: str
) -> bool:
    """The last complete run had this fingerprint and everything it published is in place
    (and no failure waits in the inbox to be published)."""
    return (
        remembered(conn, COMPLETE) == fingerprint
        and published_intact(conn)  # warehouse, feeds, dashboard as written (or publish again)
        and not any(history.inbox(case_audit).glob("*.json"))
    )
