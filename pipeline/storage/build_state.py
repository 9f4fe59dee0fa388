"""Skip what is already built: every step remembers the fingerprint it last built from.

The run's fingerprint covers everything a step's output depends on: the code (pipeline/,
schemas/, sql/), every input file found (by name and content, refused ones included: they
are listed in file_loads), the staging cache key (rules, pseudonym key, and the run date when
it can change a verdict), the reference figures and the output settings (disclosure
threshold, publish targets: `Workspace.output_settings`). A step whose
remembered fingerprint equals the run's has nothing to do, so a re-run over unchanged
inputs costs little more than Dagster itself. Kept in the staging database, never published.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from pipeline.settings import PROJECT_DIR

CODE_FOLDERS = ("pipeline", "schemas", "sql")
RUN = "run"
COMPLETE = "complete"  # the run fingerprint of the last run that published everything


def code_version() -> str:
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted((PROJECT_DIR / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".sql", ".j2"}:
                digest.update(path.relative_to(PROJECT_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _ensure(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS staging.build_state (step VARCHAR PRIMARY KEY, "
        "fingerprint VARCHAR NOT NULL)"
    )


def remembered(conn: duckdb.DuckDBPyConnection, step: str) -> str | None:
    _ensure(conn)
    rows = conn.execute(
        "SELECT fingerprint FROM staging.build_state WHERE step = ?", [step]
    ).fetchall()
    return rows[0][0] if rows else None


def remember(conn: duckdb.DuckDBPyConnection, step: str, fingerprint: str) -> None:
    _ensure(conn)
    conn.execute("INSERT OR REPLACE INTO staging.build_state VALUES (?, ?)", [step, fingerprint])


def digest_run(
    files: list[tuple[str, str]], cache_key: str, reference_dir: Path, settings: str
) -> str:
    """The fingerprint of code, settings and input files ((name, sha256) pairs): the first
    step compares it with the last complete run's to know whether there is anything to do."""
    digest = hashlib.sha256(f"{code_version()}|{cache_key}|{settings}".encode())
    for name, sha in sorted(files):
        digest.update(f"{name}\x1f{sha}\n".encode())
    for path in sorted(reference_dir.glob("*.csv")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def is_built(conn: duckdb.DuckDBPyConnection, step: str, *tables: str) -> bool:
    """True when `step` was last built from this run's fingerprint and its `tables` are
    still in the build database."""
    current = remembered(conn, RUN)
    if current is None or remembered(conn, step) != current:
        return False
    present = {name for (name,) in conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()}  # fmt: skip
    return set(tables) <= present


def mark_built(conn: duckdb.DuckDBPyConnection, step: str) -> None:
    remember(conn, step, remembered(conn, RUN) or "")


# ---------------------------------------------------------------- what was published
# The published warehouse, feeds and dashboard are outputs, not caches: a run over unchanged
# inputs still republishes any of them that was deleted, truncated or altered since it was
# written. Each is remembered with a token when written: the warehouse by its file identity
# (size, mtime, inode: hashing a large file on every run would cost more than the check is
# worth, and a write through SQLite-style tools changes them), feeds and dashboard by their
# SHA-256 (small files).
PUBLISHED_FILES = "published_files"


def file_token(path: Path, by_content: bool) -> str | None:
    """What `path` is now: its SHA-256 (`by_content`) or its identity; None when missing."""
    try:
        if by_content:
            return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        stat = path.stat()
        return f"stat:{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"
    except OSError:
        return None


def remember_published(
    conn: duckdb.DuckDBPyConnection, paths: list[Path], by_content: bool
) -> None:
    """Remember what these just-written files are, for `published_intact`."""
    stored = json.loads(remembered(conn, PUBLISHED_FILES) or "{}")
    for path in paths:
        stored[str(path)] = file_token(path, by_content)
    remember(conn, PUBLISHED_FILES, json.dumps(stored))


def published_intact(conn: duckdb.DuckDBPyConnection, paths: list[Path] | None = None) -> bool:
    """Every published file (or each of `paths`) is as it was written; False when one is
    missing, changed or was never recorded."""
    stored = json.loads(remembered(conn, PUBLISHED_FILES) or "{}")
    wanted = [str(p) for p in paths] if paths is not None else list(stored)
    return bool(wanted) and all(
        name in stored
        and stored[name] is not None
        and file_token(Path(name), stored[name].startswith("sha256:")) == stored[name]
        for name in wanted
    )
