"""Schedule and sensors: the pipeline runs itself, and says so when it cannot.

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
import json
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipeline.ingest.inventory import hash_files
from pipeline.operations.alerts import handle_failure
from pipeline.resources import CaseAuditResource

RUN_MODE_VARIABLE = "CASE_AUDIT_RUN_MODE"
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
        return cls(
            cron=os.environ.get("CASE_AUDIT_SCHEDULE_CRON", "0 6 * * *"),
            timezone=os.environ.get("CASE_AUDIT_SCHEDULE_TIMEZONE", "Europe/London"),
            sensor_interval_seconds=int(os.environ.get("CASE_AUDIT_SENSOR_INTERVAL_SECONDS", "30")),
            max_age=dt.timedelta(hours=float(os.environ.get("CASE_AUDIT_MAX_AGE_HOURS", "26"))),
            run_mode=os.environ.get(RUN_MODE_VARIABLE, "whole"),
        )

    def __post_init__(self) -> None:
        if self.run_mode not in RUN_MODES:
            raise ValueError(f"{RUN_MODE_VARIABLE} must be whole or partitioned, not "
                             f"{self.run_mode!r}")  # fmt: skip

    def status(self, mode: str) -> tuple[dg.DefaultScheduleStatus, dg.DefaultSensorStatus]:
        """How a schedule and sensors of `mode` start: running in the chosen mode only."""
        if mode == self.run_mode:
            return dg.DefaultScheduleStatus.RUNNING, dg.DefaultSensorStatus.RUNNING
        return dg.DefaultScheduleStatus.STOPPED, dg.DefaultSensorStatus.STOPPED


# ---------------------------------------------------------------- input folder digest


def folder_digest(input_dir: Path, known: dict[str, list]) -> tuple[str, dict[str, list]]:
    """sha256 over the sorted (relative path, content sha256) pairs of the accepted files.

    `known` maps a path to [size, mtime_ns, ctime_ns, inode, sha256, hashed_at_ns] from the
    last look, so unchanged files are not hashed again (`inventory.trusted` decides); the
    updated map is returned with the digest. An unreadable file counts by its name.
    """
    cached = {(name, *v[:4]): (v[4], v[5]) for name, v in known.items() if len(v) == 6}
    seen = {h.name: [*h.key[1:], h.sha256 or "unreadable", h.hashed_at_ns]
            for h in hash_files(input_dir, cached)}  # fmt: skip
    digest = hashlib.sha256()
    for name in sorted(seen):
        digest.update(f"{name}\x1f{seen[name][4]}\n".encode())
    return digest.hexdigest(), seen


def build_automation(
    job: dg.UnresolvedAssetJobDefinition, watched: dg.AssetsDefinition, settings: AutomationSettings
) -> tuple[list[dg.ScheduleDefinition], list[dg.SensorDefinition], list[dg.AssetChecksDefinition]]:
    """The nightly schedule, the input-folder and failure sensors, the freshness check (of
    `watched`, the asset that publishes the warehouse in the chosen run mode)."""
    schedule_status, sensor_status = settings.status("whole")
    nightly = dg.ScheduleDefinition(
        name="nightly_case_audit",
        job=job,
        cron_schedule=settings.cron,
        execution_timezone=settings.timezone,
        default_status=schedule_status,
        description=f"Rebuilds the whole warehouse at `{settings.cron}` ({settings.timezone}).",
    )

    @dg.sensor(
        name="input_folder_sensor",
        job=job,
        minimum_interval_seconds=settings.sensor_interval_seconds,
        default_status=sensor_status,
        description="Requests a run when the content of the input folder changes. The run key "
        "is the folder's content fingerprint, so unchanged data never runs twice, even after "
        "a daemon restart.",
    )
    def input_folder_sensor(
        context: dg.SensorEvaluationContext, case_audit: CaseAuditResource
    ) -> Iterator[dg.RunRequest | dg.SkipReason]:
        state = json.loads(context.cursor) if context.cursor else {}
        input_dir = Path(case_audit.input_dir)
        if not input_dir.is_dir():
            yield dg.SkipReason(f"input folder {input_dir} does not exist")
            return
        fingerprint, files = folder_digest(input_dir, state.get("files", {}))
        context.update_cursor(json.dumps({"fingerprint": fingerprint, "files": files}))
        if fingerprint == state.get("fingerprint"):
            yield dg.SkipReason(f"input folder unchanged ({len(files)} files)")
            return
        yield dg.RunRequest(
            run_key=fingerprint,
            tags={"case_audit/folder_digest": fingerprint, "case_audit/trigger": "sensor"},
        )

    @dg.run_failure_sensor(
        name="failure_alerts",
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Records every failed run (run id, asset, error summary) in pipeline_runs "
        "and posts it as JSON to CASE_AUDIT_ALERT_WEBHOOK when that is set.",
    )
    def failure_alerts(context: dg.RunFailureSensorContext, case_audit: CaseAuditResource) -> None:
        run = context.dagster_run
        events = [e.dagster_event for e in context.instance.all_logs(run.run_id) if e.dagster_event]
        record = context.instance.get_run_record_by_id(run.run_id)
        report = handle_failure(case_audit, run, events, record.start_time if record else None)
        context.log.info(f"recorded failure of run {run.run_id}: {report.record.error_summary}")
        if report.webhook_error:
            context.log.warning(f"failure alert not delivered: {report.webhook_error}")

    # A freshness *check* (WARN) as operations asked for, evaluated by its own sensor without
    # launching runs. Dagster 1.12+ prefers FreshnessPolicy (asset health, preview, off by
    # default in open source); the check API is superseded but supported, so its warning is
    # silenced here only.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.SupersessionWarning)
        freshness = dg.build_last_update_freshness_checks(
            assets=[watched], lower_bound_delta=settings.max_age
        )
        freshness_sensor = dg.build_sensor_for_freshness_checks(
            freshness_checks=freshness,
            name="warehouse_freshness_sensor",
            default_status=dg.DefaultSensorStatus.RUNNING,
        )
    return [nightly], [input_folder_sensor, failure_alerts, freshness_sensor], list(freshness)
