"""The input folder's inventory: every accepted file with its content hash.

Change is detected by content. A file keeps its hash without being read again only when its
size, modification time, status-change time and inode are all unchanged and it was not
"racily clean" when hashed (changed within RACY_NS before the hash was taken, so an edit in
the same clock tick could hide behind equal timestamps; git's rule). The status-change time
cannot be set back by a user (`touch -d`, `os.utime` change it), so an edit that keeps the
size and restores the modification time is still seen. So taking stock of a large,
unchanged folder is cheap and never wrong. A file with the same content as an earlier one
(in path order) is marked as its duplicate; a file that cannot be read is refused as
`file_unreadable` while the others load.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.ingest.files import (
    NAME_NOT_TEXT,
    duplicate_content_report,
    file_name,
    find_input_files,
    sha256_of,
    unreadable_message,
)
from pipeline.lazy import pd

FileKey = tuple[str, int, int, int, int]  # (relative name, size, mtime_ns, ctime_ns, inode)
RACY_NS = 2 * 10**9  # a file changed this close before its hash was taken is hashed again


@dataclass(frozen=True)
class Hashed:
    """One file as `hash_files` found it: `sha256` None when it could not be read."""

    key: FileKey
    sha256: str | None
    hashed_at_ns: int
    error: str = ""

    @property
    def name(self) -> str:
        return self.key[0]


COLUMNS = [
    "source_file",
    "sha256",
    "size",
    "mtime_ns",
    "ctime_ns",
    "inode",
    "hashed_at_ns",
    "refusal_rule",
    "refusal_message",
]


def known_hashes(conn: duckdb.DuckDBPyConnection) -> dict[FileKey, tuple[str, int]]:
    """(sha256, when hashed) of every file of the last inventory, by FileKey."""
    columns = {
        name
        for (name,) in conn.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'input_files' "
            "AND database_name = 'staging'"
        ).fetchall()
    }
    if not set(COLUMNS) <= columns:  # none yet, or an older layout: hash everything again
        return {}
    rows = conn.execute(
        "SELECT source_file, size, mtime_ns, ctime_ns, inode, sha256, hashed_at_ns "
        "FROM staging.input_files WHERE sha256 IS NOT NULL"
    ).fetchall()
    return {tuple(row[:5]): (row[5], row[6]) for row in rows}


def trusted(known: Mapping[FileKey, tuple[str, int]], key: FileKey) -> str | None:
    """The cached hash of a file with this key, unless the file was racily clean."""
    cached = known.get(key)
    if cached is None:
        return None
    sha, hashed_at = cached
    return sha if max(key[2], key[3]) + RACY_NS < hashed_at else None


def hash_files(input_dir: Path, known: Mapping[FileKey, tuple[str, int]]) -> list[Hashed]:
    """Every accepted file below `input_dir`, in path order, with its content hash (from
    `known` where it can be trusted). A file that cannot be read (gone, no permission, an
    I/O error) has no hash and says why."""
    found = []
    for path in find_input_files(input_dir):
        name, as_written = file_name(path, input_dir)
        if not as_written:
            found.append(Hashed((name, 0, 0, 0, 0), None, 0, NAME_NOT_TEXT))
            continue
        try:
            stat = path.stat()
            key = (name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
            if (sha := trusted(known, key)) is not None:
                found.append(Hashed(key, sha, known[key][1]))
                continue
            started = time.time_ns()  # before reading: an edit during the read is racy
            found.append(Hashed(key, sha256_of(path), started))
        except OSError as error:
            found.append(Hashed((name, 0, 0, 0, 0), None, 0, unreadable_message(error)))
    return found


def run_files(hashed: list[Hashed]) -> list[tuple[str, str]]:
    """(name, content) pairs for the run fingerprint: an unreadable file counts by name, so
    the run is redone once it can be read."""
    return [(h.name, h.sha256 or "unreadable") for h in hashed]


def take_inventory(conn: duckdb.DuckDBPyConnection, hashed: list[Hashed]) -> pd.DataFrame:
    """Replace `staging.input_files` with the folder's current files, as `hash_files` found
    them; return it."""
    records, first_with_content = [], {}
    for entry in hashed:
        rule = message = None
        if entry.sha256 is None:
            rule, message = "file_unreadable", entry.error
        elif entry.sha256 in first_with_content:
            duplicate = duplicate_content_report(
                entry.name, entry.sha256, first_with_content[entry.sha256]
            )
            rule, message = duplicate.rule, duplicate.message
        else:
            first_with_content[entry.sha256] = entry.name
        records.append(
            (*entry.key[:1], entry.sha256, *entry.key[1:], entry.hashed_at_ns, rule, message)
        )
    inventory = pd.DataFrame(records, columns=COLUMNS).astype(
        {
            "source_file": str,
            "sha256": str,
            "size": "int64",
            "mtime_ns": "int64",
            "ctime_ns": "int64",
            "inode": "int64",
            "hashed_at_ns": "int64",
            "refusal_rule": str,
            "refusal_message": str,
        }
    )
    conn.register("inventory", inventory)
    conn.execute("CREATE OR REPLACE TABLE staging.input_files AS SELECT * FROM inventory")
    conn.unregister("inventory")
    return inventory
