"""The input folder's inventory: every accepted file with its content hash.

A file whose size and modification time are unchanged since the last inventory keeps its
hash without being read again, so taking stock of a large, unchanged folder is cheap. A file
with the same content as an earlier one (in path order) is marked as its duplicate.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb

from pipeline.ingest.files import duplicate_content_report, find_input_files, sha256_of
from pipeline.lazy import pd

FileKey = tuple[str, int, int]  # (relative name, size, mtime_ns)
COLUMNS = ["source_file", "sha256", "size", "mtime_ns", "refusal_rule", "refusal_message"]


def known_hashes(conn: duckdb.DuckDBPyConnection) -> dict[FileKey, str]:
    exists = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'input_files' "
        "AND database_name = 'staging'"
    ).fetchall()[0][0]
    if not exists:
        return {}
    rows = conn.execute(
        "SELECT source_file, size, mtime_ns, sha256 FROM staging.input_files"
    ).fetchall()
    return {(name, size, mtime): sha for name, size, mtime, sha in rows}


def hash_files(input_dir: Path, known: Mapping[FileKey, str]) -> list[tuple[FileKey, str]]:
    """((name, size, mtime_ns), sha256) of every accepted file below `input_dir`, in path
    order. A file whose key is in `known` keeps that hash without being read again."""
    found = []
    for path in find_input_files(input_dir):
        stat = path.stat()
        key = (path.relative_to(input_dir).as_posix(), stat.st_size, stat.st_mtime_ns)
        found.append((key, known.get(key) or sha256_of(path)))
    return found


def take_inventory(
    conn: duckdb.DuckDBPyConnection, hashed: list[tuple[FileKey, str]]
) -> pd.DataFrame:
    """Replace `staging.input_files` with the folder's current files, as `hash_files` found
    them; return it."""
    records, first_with_content = [], {}
    for (name, size, mtime_ns), sha in hashed:
        rule = message = None
        if sha in first_with_content:
            duplicate = duplicate_content_report(name, sha, first_with_content[sha])
            rule, message = duplicate.rule, duplicate.message
        else:
            first_with_content[sha] = name
        records.append((name, sha, size, mtime_ns, rule, message))
    inventory = pd.DataFrame(records, columns=COLUMNS).astype(
        {"source_file": str, "sha256": str, "size": "int64", "mtime_ns": "int64",
         "refusal_rule": str, "refusal_message": str}
    )  # fmt: skip
    conn.register("inventory", inventory)
    conn.execute("CREATE OR REPLACE TABLE staging.input_files AS SELECT * FROM inventory")
    conn.unregister("inventory")
    return inventory
