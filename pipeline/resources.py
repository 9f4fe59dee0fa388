"""The one Dagster resource: where this run reads, builds and publishes.

A run never writes the published warehouse in place. Every asset works on a private build
folder next to it (owner-only), and the `published_warehouse` asset swaps a finished copy in
atomically, so analysts holding the published file are never blocked or shown half a build.
"""

import datetime as dt
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self, TypeVar

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from pipeline.errors import CaseAuditError
from pipeline.settings import Settings
from pipeline.warehouse.lock import RunLock

T = TypeVar("T")
PATH_SETTINGS = ("input_dir", "warehouse", "reference_dir", "key_file", "feeds_dir")


class CaseAuditPaths(dg.ConfigurableResource):
    """Where the pipeline reads and publishes, without the run lock: what a step needs that
    only starts runs of its own (the partitioned runs, pipeline/partitions/). `run_date`
    (ISO) pins "today" for reproducible tests; empty = today."""

    input_dir: str
    warehouse: str
    reference_dir: str
    key_file: str
    feeds_dir: str = ""
    suppression_threshold: int = 5
    publish_to: str = ""  # comma-separated further targets (pipeline/publish/targets.py)
    run_date: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, run_date: str = "") -> Self:
        return cls(
            **{name: str(getattr(settings, name)) for name in PATH_SETTINGS},
            suppression_threshold=settings.suppression_threshold,
            publish_to=",".join(settings.publish_to),
            run_date=run_date,
        )

    def settings(self) -> Settings:
        """These paths as the Settings a run is started with."""
        return Settings(
            **{name: Path(getattr(self, name)) for name in PATH_SETTINGS},
            suppression_threshold=self.suppression_threshold,
            publish_to=tuple(target for target in self.publish_to.split(",") if target),
        )


class CaseAuditResource(CaseAuditPaths):
    """The paths of one run, its run lock and its build database connection."""

    lock_timeout_seconds: float = 0.0

    _run_lock: RunLock | None = PrivateAttr(default=None)
    _shared: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Hold the warehouse's run lock for as long as this run's resources live.

        With the in-process executor that is the whole run: a second run started meanwhile
        fails at once with a clear message (or waits `lock_timeout_seconds`). Sensors and
        schedules also use this resource, outside any run: they never take the lock.
        """
        if context.run is None:
            return
        self._run_lock = RunLock(self.build_dir / "run.lock").acquire(self.lock_timeout_seconds)
        os.chmod(self.build_dir, 0o700)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._shared is not None:
            self._shared.close()
            self._shared = None
        if self._run_lock is not None:
            self._run_lock.release()
            self._run_lock = None

    def paths(self) -> CaseAuditPaths:
        return CaseAuditPaths.from_settings(self.settings(), run_date=self.run_date)

    @property
    def today(self) -> dt.date:
        return dt.date.fromisoformat(self.run_date) if self.run_date else dt.date.today()

    @property
    def output_settings(self) -> str:
        """The settings that shape what a run publishes (beyond its inputs and code): a run
        fingerprint includes them, so changing one makes the next run publish again."""
        return f"threshold={self.suppression_threshold}|publish_to={self.publish_to}"

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

    def ensure_build_dir(self) -> Path:
        self.build_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.build_dir, 0o700)
        return self.build_dir

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the build database (never the published one), with the staging
        database attached as `staging`.

        Within a run (this process holds the run lock) every step shares one connection,
        closed when the run's resources are torn down; outside a run (sensors, the CLI's
        failure handling) each call opens and closes its own.
        """
        if self._run_lock is not None:
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
        from pipeline.validate.engine import attach_staging

        self.ensure_build_dir()
        conn = self._heal(self.build_path, self._connect_build)
        try:
            self._heal(self.staging_path, lambda: attach_staging(conn, self.staging_path))
        except BaseException:
            conn.close()
            raise
        return conn

    def _connect_build(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(
            str(self.build_path),
            config={
                "memory_limit": os.environ.get("CASE_AUDIT_DUCKDB_MEMORY", "1GB"),
                "temp_directory": str(self.build_dir / "spill"),
                "preserve_insertion_order": False,
            },
        )

    def _heal(self, path: Path, open_it: Callable[[], T]) -> T:
        try:
            return open_it()
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                raise CaseAuditError(
                    f"the build database {path} is in use by another process ({exc}); wait "
                    "for it to finish."
                ) from None
            dg.get_dagster_logger().warning(
                f"{path.name} in the build folder could not be opened ({type(exc).__name__}); "
                "it is a cache of the inputs, so it was deleted and is rebuilt from them."
            )
            for stale in (path, path.with_name(path.name + ".wal")):
                stale.unlink(missing_ok=True)
            return open_it()
