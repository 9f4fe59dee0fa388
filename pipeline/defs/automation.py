"""Schedule and sensors: the pipeline runs itself, and says so when it cannot (settings:
pipeline/operations/automation.py)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from pipeline.defs.resources import CaseAuditResource
from pipeline.defs.run_events import problems, run_info
from pipeline.operations.alerts import handle_failure
from pipeline.operations.automation import AutomationSettings, folder_digest


def statuses(
    settings: AutomationSettings, mode: str
) -> tuple[dg.DefaultScheduleStatus, dg.DefaultSensorStatus]:
    """How a schedule and the sensors of `mode` start: running in the chosen mode only."""
    if settings.running(mode):
        return dg.DefaultScheduleStatus.RUNNING, dg.DefaultSensorStatus.RUNNING
    return dg.DefaultScheduleStatus.STOPPED, dg.DefaultSensorStatus.STOPPED


def build_automation(
    job: dg.UnresolvedAssetJobDefinition, watched: dg.AssetsDefinition, settings: AutomationSettings
) -> tuple[list[dg.ScheduleDefinition], list[dg.SensorDefinition], list[dg.AssetChecksDefinition]]:
    """The nightly schedule, the input-folder and failure sensors, the freshness check (of
    `watched`, the asset that publishes the warehouse in the chosen run mode)."""
    schedule_status, sensor_status = statuses(settings, "whole")
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
        report = handle_failure(case_audit.workspace(), run_info(context.instance, run),
                                run.job_name, problems(events))  # fmt: skip
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
