"""Skip what is already built: every step remembers the fingerprint it last built from.

Each step's fingerprint covers what its output depends on, and nothing else: validation's,
the input files (by name and content), the rules, the pseudonym key and the run date where
it can change a verdict, and validation's code; each model's, its SQL, its parameters and
what it reads (pipeline/warehouse/build.py); publishing's, the models', its own code and the
output settings. So editing the dashboard's template redoes publishing only. The run's own
fingerprint covers them all, and all the code: the first step compares it with the last
complete run's, and a re-run over unchanged inputs costs little more than Dagster itself.
Kept in the staging database (`staging.build_state`), never published.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from pipeline.settings import PROJECT_DIR

RUN = "run"  # this run's fingerprint
COMPLETE = "complete"  # the run fingerprint of the last run that published everything
CODE_SUFFIXES = (".py", ".sql", ".j2", ".js", ".toml")
ALL_CODE = ("pipeline/**/*", "schemas/*")


def code_digest(patterns: tuple[str, ...]) -> str:
    """SHA-256 over the project's code files matching `patterns` (glob patterns relative to
    the project folder), their names and contents: what a step's cache depends on."""
    digest = hashlib.sha256()
    for pattern in patterns:
        for path in sorted(PROJECT_DIR.glob(pattern)):
            if path.is_file() and path.suffix in CODE_SUFFIXES:
                digest.update(path.relative_to(PROJECT_DIR).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def digest(*parts: object) -> str:
    """One SHA-256 over `parts`, each as text."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


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


def run_fingerprint(staging: str, reference_dir: Path, settings: str) -> str:
    """The run's fingerprint: validation's (`staging`: the inputs, rules, key, run date), all
    the code, the reference files and the output settings. The first step compares it with
    the last complete run's to know whether there is anything to do."""
    found = hashlib.sha256(digest(staging, code_digest(ALL_CODE), settings).encode())
    for path in sorted(reference_dir.glob("*.csv")):
        found.update(path.name.encode() + path.read_bytes())
    return found.hexdigest()


def is_current(conn: duckdb.DuckDBPyConnection, step: str, fingerprint: str, *tables: str) -> bool:
    """True when `step` was last built from `fingerprint` and its `tables` are still in the
    build database."""
    if remembered(conn, step) != fingerprint:
        return False
    present = conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()
    return set(tables) <= {name for (name,) in present}


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
