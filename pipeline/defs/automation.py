"""Schedule and sensors: the pipeline runs itself, and says so when it cannot (settings:
pipeline/operations/automation.py)."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from pipeline.defs.resources import CaseAuditResource
from pipeline.defs.run_events import problems, run_info
from pipeline.operations.alerts import handle_failure
from pipeline.operations.automation import AutomationSettings, folder_digest
from pipeline.operations.freshness import in_words, judge


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
        report = handle_failure(
            case_audit.workspace(), run_info(context.instance, run), run.job_name, problems(events)
        )
        context.log.info(f"recorded failure of run {run.run_id}: {report.record.error_summary}")
        if report.webhook_error:
            context.log.warning(f"failure alert not delivered: {report.webhook_error}")

    freshness_check, freshness_sensor = build_freshness(watched.key, settings.max_age)
    return [nightly], [input_folder_sensor, failure_alerts, freshness_sensor], [freshness_check]


FRESHNESS_REPORT_SECONDS = 3600  # a verdict that has not changed is reported again hourly


def build_freshness(
    watched: dg.AssetKey, limit: dt.timedelta
) -> tuple[dg.AssetChecksDefinition, dg.SensorDefinition]:
    """A warning check saying in words how old the published warehouse is and what the limit
    is, and a sensor that evaluates it every minute without launching a run (reporting the
    verdict when it changes, and hourly)."""
    said_limit = in_words(limit.total_seconds())

    def verdict(instance: dg.DagsterInstance) -> tuple[dg.AssetCheckSeverity, object]:
        event = instance.get_latest_materialization_event(watched)
        return dg.AssetCheckSeverity.WARN, judge(
            event.timestamp if event else None, time.time(), limit
        )

    @dg.asset_check(
        asset=watched,
        name="freshness_check",
        description=f"Warns when the warehouse is older than {said_limit} "
        "(CASE_AUDIT_MAX_AGE_HOURS).",
    )
    def freshness_check(context) -> dg.AssetCheckResult:  # noqa: ANN001 (no string hint: Dagster rejects it)
        severity, found = verdict(context.instance)
        return dg.AssetCheckResult(
            passed=found.passed,
            description=found.description,
            severity=severity,
            metadata=_age(found),
        )

    @dg.sensor(
        name="warehouse_freshness_sensor",
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Evaluates freshness_check every minute, without a run.",
    )
    def freshness_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
        severity, found = verdict(context.instance)
        last = json.loads(context.cursor) if context.cursor else {}
        if (
            last.get("passed") != found.passed
            or time.time() - last.get("at", 0) >= FRESHNESS_REPORT_SECONDS
        ):
            evaluation = dg.AssetCheckEvaluation(
                asset_key=watched,
                check_name="freshness_check",
                passed=found.passed,
                severity=severity,
                description=found.description,
                metadata=_age(found),
            )
            context.instance.report_runless_asset_event(evaluation)
            context.update_cursor(json.dumps({"passed": found.passed, "at": time.time()}))
        return dg.SkipReason(found.description)

    return freshness_check, freshness_sensor


def _age(found: object) -> dict[str, object]:
    return {} if found.age_seconds is None else {"age_hours": round(found.age_seconds / 3600, 2)}
