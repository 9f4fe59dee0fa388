"""The first step of every run: the inventory of the input folder, or "all is current".

When the files, the code and the settings are exactly those of the last complete run and
everything it published is in place, nothing downstream has anything to do: the run is
recorded as unchanged and no file is read. Otherwise the inventory is taken (content hashes,
duplicates and unreadable files refused) for validation to stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.errors import CaseAuditError
from pipeline.ingest.inventory import hash_files, known_hashes, run_files, take_inventory
from pipeline.lazy import pd
from pipeline.operations import history
from pipeline.operations.history import RunInfo
from pipeline.settings import setting
from pipeline.storage.build_state import (
    COMPLETE,
    RUN,
    published_intact,
    remember,
    remembered,
    run_fingerprint,
)
from pipeline.storage.pseudonym import load_key
from pipeline.storage.workspace import Workspace
from pipeline.validate.staging import RELATIONS, Purged, purge_superseded, staging_token

# everything a build remembers between runs: forgotten, every file is hashed, read and
# validated again and every table built and published again
REMEMBERED = tuple(RELATIONS)


@dataclass(frozen=True)
class Inventory:
    """`files` (one row per file found; None when everything is current) and the run's
    fingerprint (empty without a usable key)."""

    files: pd.DataFrame | None
    fingerprint: str
    purged: Purged = field(default_factory=lambda: Purged(0, 0))  # retention, this run
    keep_days: int = 0

    def retention(self) -> str:
        """What retention purged, in a sentence; empty when nothing."""
        return self.purged.sentence(self.keep_days) if self.purged.files else ""

    @property
    def current(self) -> bool:
        return self.files is None

    def refused(self) -> list[str]:
        """A sentence per file refused before reading (duplicate content, unreadable)."""
        if self.files is None:
            return []
        refused = self.files[self.files["refusal_rule"].notna()]
        return [
            f"{r.source_file}: refused [{r.refusal_rule}] {r.refusal_message}"
            for r in refused.itertuples()
        ]


def inventory_unless_current(
    workspace: Workspace, run: RunInfo, rebuild: bool = False
) -> Inventory:
    """`rebuild`: forget what earlier runs left (hashes, staged files, what was built and
    published), so this run does everything again, whatever it finds."""
    with workspace.connect() as conn:
        if rebuild:
            forget_everything(conn)
        known = known_hashes(conn)
        hashed = hash_files(Path(workspace.input_dir), known)
        # retention runs first, on every run: superseded data is purged on schedule
        keep_days = setting("retention_days")
        present = [h.sha256 for h in hashed if h.sha256]
        purged = purge_superseded(conn, present, workspace.today, keep_days)
        fingerprint = _fingerprint_or_none(conn, workspace, hashed)
        if fingerprint and _all_current(conn, workspace, fingerprint):
            # same contents; files merely touched keep their hash under the new size and
            # time, so the next run does not read them again
            touched = [
                (*h.key[1:], h.hashed_at_ns, h.name)
                for h in hashed
                if h.key not in known or known[h.key][1] != h.hashed_at_ns
            ]
            if touched:
                conn.executemany(
                    "UPDATE staging.input_files SET size = ?, mtime_ns = ?, ctime_ns = ?, "
                    "inode = ?, hashed_at_ns = ? WHERE source_file = ?",
                    touched,
                )
            history.record_unchanged_run(conn, run, workspace.published_path)
            return Inventory(None, fingerprint, purged, keep_days)
        if fingerprint:
            remember(conn, RUN, fingerprint)
        return Inventory(take_inventory(conn, hashed), fingerprint or "", purged, keep_days)


def _fingerprint_or_none(
    conn: duckdb.DuckDBPyConnection, workspace: Workspace, hashed: list
) -> str | None:
    """The run's input fingerprint; None without a usable key (validation then says why)."""
    try:
        key = load_key(Path(workspace.key_file), may_create=False)
    except CaseAuditError:
        return None
    files = run_files(hashed)
    token = staging_token(conn, files, key, workspace.today)
    return run_fingerprint(token, Path(workspace.reference_dir), workspace.output_settings)


def _all_current(conn: duckdb.DuckDBPyConnection, workspace: Workspace, fingerprint: str) -> bool:
    """The last complete run had this fingerprint and everything it published is in place
    (and no failure waits in the inbox to be published)."""
    return (
        remembered(conn, COMPLETE) == fingerprint
        and published_intact(conn)  # warehouse, feeds, dashboard as written (or publish again)
        and not any(history.inbox(workspace).glob("*.json"))
    )


def forget_everything(conn: duckdb.DuckDBPyConnection) -> None:
    """Empty the build's memory of earlier runs (the run history stays)."""
    query = "SELECT table_name FROM duckdb_tables() WHERE database_name = 'staging'"
    present = {name for (name,) in conn.execute(query).fetchall()}
    for table in REMEMBERED:
        if table in present:
            conn.execute(f"DELETE FROM staging.{table}")
