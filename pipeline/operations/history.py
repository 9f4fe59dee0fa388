"""Run history (`pipeline_runs`): when the figures last changed, and why, for analysts.

The history lives in the build database and is published with every warehouse. A success
record is written by the publish step itself (it holds the run lock). A failure is recorded by
whoever sees it (the run-failure sensor, `case-audit run`): the record is first dropped as a
JSON file in the build folder's inbox, which never needs the lock, then absorbed into the
history and republished at once if the lock is free, or by the next run otherwise. So no
failure is lost, and the published warehouse is still only ever replaced whole.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import duckdb

from pipeline.errors import CaseAuditError
from pipeline.lazy import pd
from pipeline.storage.atomic import atomic_replace
from pipeline.storage.lock import RunLock
from pipeline.storage.models import materialize
from pipeline.storage.workspace import Workspace
from pipeline.warehouse.registry import models

TABLE = "pipeline_runs"
SQL = Path(__file__).parent / "sql"
COMPARED_TABLES = ("headline_figures", "file_loads")


@dataclass
class RunRecord:
    """One row of `pipeline_runs`."""

    run_id: str
    status: str
    trigger: str | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    files_seen: int | None = None
    files_refused: int | None = None
    rows_loaded: int | None = None
    rows_rejected: int | None = None
    checks_passed: int | None = None
    checks_failed: int | None = None
    figures_changed: bool | None = None
    input_changes: str | None = None
    input_fingerprint: str | None = None
    failed_asset: str | None = None
    error_summary: str | None = None


COLUMNS = [f.name for f in fields(RunRecord)]


@dataclass(frozen=True)
class RunInfo:
    """What the history needs to know of a run, whoever started it: its id, its tags (what
    triggered it), when it started (seconds since the epoch) and its checks' verdicts."""

    run_id: str
    tags: dict[str, str] = field(default_factory=dict)
    started: float | None = None
    checks_passed: int = 0
    checks_failed: int = 0


@dataclass(frozen=True)
class Problem:
    """One reason a run failed: where (step, asset) and a plain sentence."""

    step: str | None
    asset: str | None
    message: str
    check: str | None = None

    def __str__(self) -> str:
        if self.check:
            return f"check {self.check} failed: {self.message}"
        return f"{f'step {self.step}' if self.step else 'run'} failed: {self.message}"


def trigger_of(tags: dict[str, str]) -> str:
    """What started a run, from its Dagster tags."""
    if "dagster/schedule_name" in tags:
        return f"schedule:{tags['dagster/schedule_name']}"
    if "dagster/sensor_name" in tags:
        return f"sensor:{tags['dagster/sensor_name']}"
    return tags.get("case_audit/trigger", "manual")


def _timestamp(seconds: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(seconds, dt.UTC) if seconds else None


def readable(published: Path) -> bool:
    """The published warehouse exists and DuckDB can read it (a truncated or overwritten
    file is treated as no warehouse: the run publishes a whole new one over it)."""
    if not published.is_file():
        return False
    try:
        with duckdb.connect(str(published), read_only=True) as conn:
            conn.execute("SELECT count(*) FROM duckdb_tables()").fetchall()
        return True
    except duckdb.Error:
        return False


def _attach_previous(conn: duckdb.DuckDBPyConnection, published: Path) -> None:
    """`previous.<table>`: the published warehouse's tables, or empty stand-ins."""
    conn.execute("ATTACH ':memory:' AS previous")
    present: set[str] = set()
    if readable(published):
        conn.execute("ATTACH ? AS published_prev (READ_ONLY)", [str(published)])
        present = {
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'published_prev'"
            ).fetchall()
        }
    for table in COMPARED_TABLES:
        source = f"published_prev.{table}" if table in present else f"main.{table} LIMIT 0"
        conn.execute(f"CREATE TABLE previous.{table} AS SELECT * FROM {source}")


def _detach_previous(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("DETACH previous")
    if conn.execute(
        "SELECT count(*) FROM duckdb_databases() WHERE database_name = 'published_prev'"
    ).fetchall()[0][0]:
        conn.execute("DETACH published_prev")


def success_record(conn: duckdb.DuckDBPyConnection, run: RunInfo, published: Path) -> RunRecord:
    """This run's record, computed from the build and compared with the last publish."""
    _attach_previous(conn, published)
    try:
        found = conn.execute("SELECT source_file, sha256 FROM file_loads").fetchall()
        changes = input_changes(conn, found)
        summary = conn.execute(_sql("run_summary"), {"input_changes": changes}).df()
        summary = summary.iloc[0].to_dict()
    finally:
        _detach_previous(conn)
    return RunRecord(
        run_id=run.run_id,
        status="success",
        trigger=trigger_of(run.tags),
        started_at=_timestamp(run.started),
        finished_at=dt.datetime.now(dt.UTC),
        checks_passed=run.checks_passed,
        checks_failed=run.checks_failed,
        **{k: (None if pd.isna(v) else v) for k, v in summary.items()},
    )


def failure_record(run: RunInfo, found: list[Problem], published: str = "") -> RunRecord:
    """The record of a failed run. `published`: what it published before failing (then the
    status is `partial`, and the summary says which parts are new and which are not)."""
    first = found[0] if found else None
    cause = "; ".join(str(p) for p in found) or "the run failed"
    return RunRecord(
        run_id=run.run_id,
        status="partial" if published else "failure",
        trigger=trigger_of(run.tags),
        started_at=_timestamp(run.started),
        finished_at=dt.datetime.now(dt.UTC),
        checks_failed=sum(p.check is not None for p in found),
        failed_asset=first.asset if first else None,
        error_summary=(f"{published}. Cause: {cause}" if published else cause)[:2000],
    )


def input_changes(conn: duckdb.DuckDBPyConnection, found: list[tuple[str, str]]) -> str | None:
    """Which of the files `found` ((name, sha256) pairs) were added or changed, and which
    files are gone, since the published warehouse (attached as `previous`), in a sentence."""
    names, hashes = [n for n, _ in found], [h for _, h in found]
    [(said,)] = conn.execute(_sql("input_changes"), {"names": names, "hashes": hashes}).fetchall()
    return said


def failed_run_changes(resource: Workspace) -> str | None:
    """What a failed run found changed in the input folder since the published warehouse
    (its inventory, as far as it got); None when that cannot be told (no inventory yet, no
    build, the build in use)."""
    try:
        with resource.connect() as conn:
            _attach_previous(conn, resource.published_path)
            try:
                found = conn.execute(
                    "SELECT source_file, coalesce(sha256, 'unreadable') FROM staging.input_files"
                ).fetchall()
                return input_changes(conn, found)
            finally:
                _detach_previous(conn)
    except (duckdb.Error, CaseAuditError, OSError):
        return None


# ---------------------------------------------------------------- storage


def inbox(resource: Workspace) -> Path:
    return resource.build_dir / "history_inbox"


def drop_in_inbox(resource: Workspace, record: RunRecord) -> Path:
    """Write the record as JSON into the inbox, atomically; needs no lock."""
    folder = inbox(resource)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record.run_id}.json"
    temporary = folder / f".{record.run_id}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(asdict(record), default=str))
    os.replace(temporary, path)
    return path


def ensure_history(conn: duckdb.DuckDBPyConnection, published: Path, table: str = TABLE) -> None:
    """A history table (pipeline_runs by default) in the build, seeded from the published
    warehouse if the build is new."""
    exists = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND database_name = "
        "current_database()",
        [table],
    ).fetchall()[0][0]
    materialize(conn, models()[table], {})
    if exists or not readable(published):
        return
    conn.execute("ATTACH ? AS seed (READ_ONLY)", [str(published)])
    try:
        has = conn.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'seed' AND table_name = ?",
            [table],
        ).fetchall()[0][0]
        if has:
            conn.execute(f"INSERT INTO {table} SELECT * FROM seed.{table}")
    finally:
        conn.execute("DETACH seed")


def record_unchanged_run(conn: duckdb.DuckDBPyConnection, run: RunInfo, published: Path) -> None:
    """The row of a run that found nothing to rebuild: the last success's counts, nothing
    changed, no check run (their verdicts on these very inputs stand). Plain SQL: a run with
    nothing to do needs no pandas."""
    ensure_history(conn, published)
    conn.execute(
        f"INSERT INTO {TABLE} BY NAME SELECT ? AS run_id, ? AS trigger, "
        "to_timestamp(?::DOUBLE) AS started_at, "
        "now() AS finished_at, * EXCLUDE (run_id, trigger, started_at, finished_at, "
        "checks_passed, checks_failed, figures_changed, input_changes), 0 AS checks_passed, "
        "0 AS checks_failed, false AS figures_changed, NULL AS input_changes "
        f"FROM {TABLE} WHERE status = 'success' ORDER BY finished_at DESC LIMIT 1",
        [run.run_id, trigger_of(run.tags), run.started],
    )


def add_records(
    conn: duckdb.DuckDBPyConnection, records: list[RunRecord], replace: bool = False
) -> None:
    """Add run records; with `replace`, a record replaces one of the same run (a run that
    failed after its success record was published: the later word is the true one)."""
    if not records:
        return
    frame = pd.DataFrame([asdict(r) for r in records], columns=COLUMNS)
    for column in ("started_at", "finished_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    conn.register("new_run_records", frame)
    if replace:
        conn.execute(f"DELETE FROM {TABLE} WHERE run_id IN (SELECT run_id FROM new_run_records)")
    conn.execute(
        f"INSERT INTO {TABLE} SELECT * FROM new_run_records "
        f"WHERE run_id NOT IN (SELECT run_id FROM {TABLE})"
    )
    conn.unregister("new_run_records")


def absorb_inbox(conn: duckdb.DuckDBPyConnection, resource: Workspace) -> int:
    """Move every queued record into the history table; returns how many."""
    paths = sorted(inbox(resource).glob("*.json"))
    records = [RunRecord(**json.loads(p.read_text())) for p in paths]
    add_records(conn, records, replace=True)
    for path in paths:
        path.unlink()
    return len(records)


def export_history(conn: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """Write the history table of `conn` to its own DuckDB file at `path` (replaced)."""
    path.unlink(missing_ok=True)
    conn.execute("ATTACH ? AS exported", [str(path)])
    try:
        conn.execute(f"CREATE TABLE exported.{TABLE} AS SELECT * FROM {TABLE}")
    finally:
        conn.execute("DETACH exported")
    return path


def adopt_history(conn: duckdb.DuckDBPyConnection, published: Path) -> None:
    """Make the history table of `conn` the one in the `published` warehouse."""
    conn.execute("ATTACH ? AS adopted (READ_ONLY)", [str(published)])
    try:
        conn.execute(f"CREATE OR REPLACE TABLE {TABLE} AS SELECT * FROM adopted.{TABLE}")
    finally:
        conn.execute("DETACH adopted")


def republish_history(resource: Workspace) -> None:
    """Replace the published warehouse by a copy whose `pipeline_runs` is the build's."""
    with resource.connect() as conn:
        history = conn.execute(f"SELECT * FROM {TABLE}").df()

    def with_history(copy: Path) -> None:
        with duckdb.connect(str(copy)) as target:
            target.register("history", history)
            target.execute(f"CREATE OR REPLACE TABLE {TABLE} AS SELECT * FROM history")

    atomic_replace(resource.published_path, resource.published_path, prepare=with_history)


def record_failure(resource: Workspace, record: RunRecord, wait: float = 5.0) -> bool:
    """Queue the failure; absorb and republish now if no run holds the lock (True if done)."""
    drop_in_inbox(resource, record)
    try:
        lock = RunLock(resource.build_dir / "run.lock").acquire(timeout=wait)
    except CaseAuditError:
        return False  # a run is under way: it absorbs the inbox when it publishes
    try:
        with resource.connect() as conn:
            ensure_history(conn, resource.published_path)
            absorb_inbox(conn, resource)
        if readable(resource.published_path):
            republish_history(resource)
    finally:
        lock.release()
    return True


def _sql(name: str) -> str:
    return (SQL / f"{name}.sql").read_text(encoding="utf-8")
