"""The settings of the schedule and sensors (pipeline/defs/automation.py), and the input
folder's digest they watch.

All are on by default when the code location is loaded (`dagster dev`, the daemon). Their
settings come from the environment, read when the code location loads (no I/O):

| variable | default | meaning |
|---|---|---|
| CASE_AUDIT_SCHEDULE_CRON | `0 6 * * *` | when the nightly batch runs |
| CASE_AUDIT_SCHEDULE_TIMEZONE | `Europe/London` | the cron's timezone |
| CASE_AUDIT_SENSOR_INTERVAL_SECONDS | `30` | how often the input folder is looked at |
| CASE_AUDIT_MAX_AGE_HOURS | `26` | the published warehouse is stale after this long |
| CASE_AUDIT_ALERT_WEBHOOK | (none) | where failure alerts are posted, read at failure time |
| CASE_AUDIT_RUN_MODE | `whole` | `whole` or `partitioned`: which mode's schedule and sensors run |
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.ingest.inventory import hash_files
from pipeline.settings import SETTINGS, setting

RUN_MODES = ("whole", "partitioned")


@dataclass(frozen=True)
class AutomationSettings:
    cron: str
    timezone: str
    sensor_interval_seconds: int
    max_age: dt.timedelta
    run_mode: str = "whole"  # or "partitioned"

    @classmethod
    def from_environment(cls) -> AutomationSettings:
        """From the settings (pipeline/settings.py), each checked: a bad one is one sentence."""
        return cls(
            cron=setting("schedule_cron"),
            timezone=setting("schedule_timezone"),
            sensor_interval_seconds=setting("sensor_interval_seconds"),
            max_age=dt.timedelta(hours=setting("max_age_hours")),
            run_mode=setting("run_mode"),
        )

    def __post_init__(self) -> None:
        if self.run_mode not in RUN_MODES:
            variable = SETTINGS["run_mode"].variable
            raise ValueError(f"{variable} must be one of {RUN_MODES}, not {self.run_mode!r}")

    def running(self, mode: str) -> bool:
        """Whether the schedule and sensors of `mode` start running: in the chosen mode only."""
        return mode == self.run_mode


# ---------------------------------------------------------------- input folder digest


def folder_digest(input_dir: Path, known: dict[str, list]) -> tuple[str, dict[str, list]]:
    """sha256 over the sorted (relative path, content sha256) pairs of the accepted files.

    `known` maps a path to [size, mtime_ns, ctime_ns, inode, sha256, hashed_at_ns] from the
    last look, so unchanged files are not hashed again (`inventory.trusted` decides); the
    updated map is returned with the digest. An unreadable file counts by its name.
    """
    cached = {(name, *v[:4]): (v[4], v[5]) for name, v in known.items() if len(v) == 6}
    seen = {
        h.name: [*h.key[1:], h.sha256 or "unreadable", h.hashed_at_ns]
        for h in hash_files(input_dir, cached)
    }
    digest = hashlib.sha256()
    for name in sorted(seen):
        digest.update(f"{name}\x1f{seen[name][4]}\n".encode())
    return digest.hexdigest(), seen
