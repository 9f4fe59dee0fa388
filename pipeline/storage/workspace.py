"""One run's places: where it reads, builds and publishes, its run lock and its connection.

A run never writes the published warehouse in place. Every step works on a private build
folder next to it (owner-only), and the publish step swaps a finished copy in atomically, so
analysts holding the published file are never blocked or shown half a build.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import duckdb

from pipeline.errors import CaseAuditError
from pipeline.settings import (
    SETTINGS,
    Settings,
    check_environment,
    duckdb_storage_version,
    parse_targets,
    resolve_path,
    setting,
)
from pipeline.storage.lock import RunLock
from pipeline.storage.separation import Place, refuse_overlap
from schemas.rules import check_frameworks

T = TypeVar("T")
LOG = logging.getLogger("case_audit")


@dataclass
class Workspace:
    """The paths of one run (as text, as Dagster's configuration holds them), its disclosure
    threshold and further publish targets; `run_date` (ISO) pins "today" for reproducible
    tests, empty = today. While `locked()`, every `connect()` shares one connection."""

    input_dir: str
    warehouse: str
    reference_dir: str
    key_file: str
    feeds_dir: str = ""
    suppression_threshold: int = Settings.suppression_threshold
    publish_to: str = ""  # comma-separated further targets (pipeline/publish/targets.py)
    run_date: str = ""
    _lock: RunLock | None = field(default=None, repr=False, compare=False)
    _shared: duckdb.DuckDBPyConnection | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_settings(cls, settings: Settings, run_date: str = "") -> Workspace:
        return cls(
            input_dir=str(settings.input_dir),
            warehouse=str(settings.warehouse),
            reference_dir=str(settings.reference_dir),
            key_file=str(settings.key_file),
            feeds_dir=str(settings.feeds_dir),
            suppression_threshold=settings.suppression_threshold,
            publish_to=",".join(settings.publish_to),
            run_date=run_date,
        )

    def settings(self) -> Settings:
        """These places as the Settings a run is started with."""
        return Settings(
            input_dir=Path(self.input_dir),
            warehouse=Path(self.warehouse),
            reference_dir=Path(self.reference_dir),
            key_file=Path(self.key_file),
            feeds_dir=Path(self.feeds_dir),
            suppression_threshold=self.suppression_threshold,
            publish_to=parse_targets(self.publish_to),
        )

    def with_settings(self, settings: Settings) -> Workspace:
        """Another run's workspace (a partition's) with this one's run date."""
        return Workspace.from_settings(settings, self.run_date)

    # ------------------------------------------------------------ places

    @property
    def today(self) -> dt.date:
        return dt.date.fromisoformat(self.run_date) if self.run_date else dt.date.today()

    @property
    def output_settings(self) -> str:
        """The settings that shape what a run publishes (beyond its inputs and code): a run
        fingerprint includes them, so changing one makes the next run publish again."""
        return (
            f"threshold={self.suppression_threshold}|publish_to={self.publish_to}"
            f"|storage={duckdb_storage_version()}"
        )

    @property
    def published_path(self) -> Path:
        return Path(self.warehouse)

    @property
    def build_dir(self) -> Path:
        """Private working folder for this warehouse: staging files and the build database."""
        published = self.published_path
        return published.parent / f".build-{published.stem}"

    @property
    def build_path(self) -> Path:
        return self.build_dir / "warehouse.duckdb"

    @property
    def staging_path(self) -> Path:
        """Validated rows per input file, reused by later runs; holds raw case_refs, so it
        is a separate file that is never published."""
        return self.build_dir / "staging.duckdb"

    def reference_path(self, name: str) -> Path:
        path = Path(self.reference_dir) / name
        if not path.is_file():
            raise CaseAuditError(
                f"reference file {path} is missing; restore it or set CASE_AUDIT_REFERENCE_DIR."
            )
        return path

    def preflight(self) -> None:
        """What a run checks before it reads or writes anything: every setting readable,
        DuckDB knows the storage version, every framework file sound, no output where an
        input is (one sentence each)."""
        check_environment()
        check_frameworks()
        check_storage_version()
        self.check_places()
        self.refuse_writing_inputs(setting("dagster_home"))

    def check_places(self) -> None:
        """Each place is of the kind it must be: the input and reference folders exist, and
        no output path is taken by the other kind (a folder where a file is written)."""
        folder, file = "a folder", "a file"
        wanted = [  # (path, kind, must exist already, how a person names it)
            (self.input_dir, folder, True, "the input folder (--input, CASE_AUDIT_INPUT_DIR)"),
            (self.reference_dir, folder, True, "the reference folder (CASE_AUDIT_REFERENCE_DIR)"),
            (self.warehouse, file, False, "the warehouse (--warehouse, CASE_AUDIT_WAREHOUSE)"),
            (self.key_file, file, False, "the pseudonym key file (CASE_AUDIT_KEY_FILE)"),
            (self.feeds_dir, folder, False, "the feeds folder (--feeds, CASE_AUDIT_FEEDS_DIR)"),
        ]
        for text, kind, must_exist, named in wanted:
            path = Path(text)
            if not text or (not path.exists() and not must_exist):
                continue
            if not path.exists() or path.is_dir() != (kind == folder):
                found = "is not " + kind if path.exists() else "does not exist"
                raise CaseAuditError(f"{named} {path} {found}; give {kind} there. Nothing was run.")

    def refuse_writing_inputs(self, dagster_home: str | None = None) -> None:
        """Refuse, before anything is written, a run whose outputs (warehouse, its build and
        partition folders, feeds, further copies, Dagster's storage) are or lie inside what
        it reads (input and reference folders, the key file): `separation.refuse_overlap`."""
        published = self.published_path
        outputs = [
            Place(published, "the warehouse (--warehouse, CASE_AUDIT_WAREHOUSE)"),
            Place(self.build_dir, "the warehouse's build folder"),
            Place(published.parent / "partitions", "the partitions' folder"),
        ]
        if self.feeds_dir:
            feeds = Place(Path(self.feeds_dir), "the feeds folder (--feeds, CASE_AUDIT_FEEDS_DIR)")
            outputs.append(feeds)
        for target in parse_targets(self.publish_to):
            if not target.startswith("md:"):
                outputs.append(Place(resolve_path(target), "a copy (CASE_AUDIT_PUBLISH_TO)"))
        if dagster_home:
            outputs.append(Place(Path(dagster_home), "Dagster's storage (DAGSTER_HOME)"))
        folders = [
            Place(Path(self.input_dir), "the input folder (--input, CASE_AUDIT_INPUT_DIR)"),
            Place(Path(self.reference_dir), "the reference folder (CASE_AUDIT_REFERENCE_DIR)"),
        ]
        files = [Place(Path(self.key_file), "the pseudonym key file (CASE_AUDIT_KEY_FILE)")]
        refuse_overlap(outputs, folders, files)

    def ensure_build_dir(self) -> Path:
        self.build_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.build_dir, 0o700)
        return self.build_dir

    # ------------------------------------------------------------ the run lock

    def lock(self, timeout: float = 0.0) -> None:
        """Take the warehouse's run lock (one run at a time per warehouse): a second run
        fails at once with a clear message, or waits `timeout` seconds."""
        self.ensure_build_dir()
        self._lock = RunLock(self.build_dir / "run.lock").acquire(timeout)

    def release(self) -> None:
        if self._shared is not None:
            self._shared.close()
            self._shared = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @contextmanager
    def locked(self, timeout: float = 0.0) -> Iterator[Workspace]:
        """This workspace under its run lock for the block (a step of a partition's run)."""
        mine = dataclasses.replace(self, _lock=None, _shared=None)
        mine.lock(timeout)
        try:
            yield mine
        finally:
            mine.release()

    # ------------------------------------------------------------ the build database

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the build database (never the published one), with the staging
        database attached as `staging`.

        Under the run lock every call shares one connection, closed on release; without it
        (sensors, the CLI's failure handling) each call opens and closes its own.
        """
        if self._lock is not None:
            if self._shared is None:
                self._shared = self._open()
            yield self._shared
            return
        conn = self._open()
        try:
            yield conn
        finally:
            conn.close()

    def _open(self) -> duckdb.DuckDBPyConnection:
        """The build database with staging attached. Both are caches of the inputs: one that
        cannot be opened (corrupt, truncated, written by something else) is deleted and made
        afresh, which the next steps fill again from the input files; only a lock held by
        another process means "in use"."""
        self.ensure_build_dir()
        conn = self._heal(self.build_path, self._connect_build)
        try:
            self._heal(self.staging_path, lambda: attach_staging(conn, self.staging_path))
        except BaseException:
            conn.close()
            raise
        return conn

    def _connect_build(self) -> duckdb.DuckDBPyConnection:
        """The build database, in the storage version the published copy must have: a build
        made in another one (an older run, another setting) is a cache, made afresh."""
        config = {
            "memory_limit": setting("duckdb_memory"),
            "temp_directory": str(self.build_dir / "spill"),
            "preserve_insertion_order": False,
        }
        conn = connect_for_publishing(self.build_path, config)
        if storage_version_of(conn) == duckdb_storage_version():
            return conn
        conn.close()
        LOG.info(f"{self.build_path.name} was written in another storage version; made afresh.")
        for stale in (self.build_path, self.build_path.with_name(self.build_path.name + ".wal")):
            stale.unlink(missing_ok=True)
        return connect_for_publishing(self.build_path, config)

    def _heal(self, path: Path, open_it: Callable[[], T]) -> T:
        try:
            return open_it()
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                raise CaseAuditError(
                    f"the build database {path} is in use by another process ({exc}); wait "
                    "for it to finish."
                ) from None
            LOG.warning(
                f"{path.name} in the build folder could not be opened ({type(exc).__name__}); "
                "it is a cache of the inputs, so it was deleted and is rebuilt from them."
            )
            for stale in (path, path.with_name(path.name + ".wal")):
                stale.unlink(missing_ok=True)
            return open_it()


def connect_for_publishing(path: Path, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB file that will be published: a new one is written in the storage version
    stock clients read (`settings.duckdb_storage_version`)."""
    return duckdb.connect(
        str(path),
        config={**(config or {}), "storage_compatibility_version": duckdb_storage_version()},
    )


def check_storage_version() -> None:
    """DuckDB itself knows the configured storage version (asked of an in-memory database, so
    nothing is written): otherwise one sentence, before a run starts."""
    version = duckdb_storage_version()
    try:
        duckdb.connect(":memory:", config={"storage_compatibility_version": version}).close()
    except duckdb.Error:
        raise CaseAuditError(
            f"{SETTINGS['duckdb_storage_version'].variable} is {version!r}, a storage version "
            f"this DuckDB ({duckdb.__version__}) does not know; use e.g. "
            f"{SETTINGS['duckdb_storage_version'].default}. Nothing was run."
        ) from None


def storage_version_of(conn: duckdb.DuckDBPyConnection) -> str:
    """`v1.4.0` for a file DuckDB tags `v1.4.0+`: the oldest version that reads it."""
    [(tags,)] = conn.execute(
        "SELECT tags FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return str((tags or {}).get("storage_version", "")).rstrip("+")


def attach_staging(conn: duckdb.DuckDBPyConnection, path: Path | None = None) -> None:
    """Attach the staging database as `staging` (in memory without `path`); SQL names its
    relations `staging.<name>`. Staging holds raw case_refs: it lives in its own file, which
    is never published."""
    attached = {
        name for (name,) in conn.execute("SELECT database_name FROM duckdb_databases()").fetchall()
    }
    if "staging" not in attached:
        conn.execute("ATTACH ? AS staging", [str(path) if path else ":memory:"])


@contextmanager
def scratch_database() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB for rows held in memory (`case-audit check`), bounded as a run's
    build is (CASE_AUDIT_DUCKDB_MEMORY), spilling only to a private folder of its own (never
    DuckDB's default `.tmp` in the current directory: the rows are a provider's)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="case-audit-scratch-") as spill:
        os.chmod(spill, 0o700)
        config = {"memory_limit": setting("duckdb_memory"), "temp_directory": spill}
        conn = duckdb.connect(config=config)
        try:
            yield conn
        finally:
            conn.close()
