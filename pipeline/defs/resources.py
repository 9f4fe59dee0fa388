"""The Dagster resources: one run's `Workspace` (pipeline/storage/workspace.py) as
configuration, and its run lock held for as long as the run's resources live."""

from __future__ import annotations

import dataclasses
from typing import Self

import dagster as dg
from pydantic import PrivateAttr

from pipeline.settings import Settings
from pipeline.storage.workspace import Workspace

# the configuration a resource carries: a Workspace's fields (not its lock and connection)
WORKSPACE_FIELDS = tuple(
    f.name for f in dataclasses.fields(Workspace) if not f.name.startswith("_")
)


class CaseAuditPaths(dg.ConfigurableResource):
    """Where the pipeline reads and publishes, without the run lock: what a sensor needs,
    and each step of a partition's run (which locks its partition's own workspace). The
    fields are Dagster's configuration of a `Workspace` (WORKSPACE_FIELDS, tested equal)."""

    input_dir: str
    warehouse: str
    reference_dir: str
    key_file: str
    feeds_dir: str = ""
    suppression_threshold: int = Settings.suppression_threshold
    publish_to: str = ""  # comma-separated further targets (pipeline/publish/targets.py)
    run_date: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, run_date: str = "") -> Self:
        return cls.from_workspace(Workspace.from_settings(settings, run_date))

    @classmethod
    def from_workspace(cls, workspace: Workspace) -> Self:
        return cls(**{name: getattr(workspace, name) for name in WORKSPACE_FIELDS})

    def workspace(self) -> Workspace:
        return Workspace(**{name: getattr(self, name) for name in WORKSPACE_FIELDS})

    def settings(self) -> Settings:
        return self.workspace().settings()


class CaseAuditResource(CaseAuditPaths):
    """The workspace of one whole-folder run, under its run lock while a run uses it.

    With the in-process executor that is the whole run: a second run started meanwhile
    fails at once with a clear message (or waits `lock_timeout_seconds`), and every step
    shares one connection to the build database. Sensors and schedules use this resource
    outside any run: they never take the lock.
    """

    lock_timeout_seconds: float = 0.0

    _held: Workspace | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if context.run is None:
            return
        held = super().workspace()
        held.preflight()  # settings, storage version, outputs apart from inputs: before anything
        held.lock(self.lock_timeout_seconds)
        self._held = held

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._held is not None:
            self._held.release()
            self._held = None

    def workspace(self) -> Workspace:
        return self._held if self._held is not None else super().workspace()

    def paths(self) -> CaseAuditPaths:
        return CaseAuditPaths.from_workspace(super().workspace())
