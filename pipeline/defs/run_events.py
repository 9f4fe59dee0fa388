"""Reading a run's Dagster events as people need them: problems in sentences, check counts.

Used by `case-audit run` (events of an in-process result), the run-failure sensor and the run
history (events read back from the Dagster instance).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import dagster as dg

from pipeline.operations.history import Problem, RunInfo

USER_ERRORS = {"CaseAuditError", "FileRefused"}
FILE_SYSTEM_ERRORS = {
    "OSError",
    "PermissionError",
    "FileNotFoundError",
    "NotADirectoryError",
    "IsADirectoryError",
    "FileExistsError",
    "IOException",
}


def root_message(error: object) -> str:
    """The innermost cause of a Dagster error: the user's problem, not the wrappers."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    cls_name = getattr(error, "cls_name", "") or ""
    message = (getattr(error, "message", "") or "").strip()
    if cls_name:
        message = re.sub(rf"^[\w.]*\b{re.escape(cls_name)}:\s*", "", message)
    if cls_name in USER_ERRORS:
        return message
    if cls_name in FILE_SYSTEM_ERRORS:  # the machine's problem, not a bug: said as it is
        return f"the file system refused ({cls_name}): {message}"
    return f"internal error ({cls_name}): {message}"


def failed_checks(events: Iterable[dg.DagsterEvent]) -> list[dg.AssetCheckEvaluation]:
    """Failed checks that fail a run: a warning (data quality, freshness) is not a cause."""
    return [
        e
        for e in check_evaluations(events)
        if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR
    ]


def check_evaluations(events: Iterable[dg.DagsterEvent]) -> list[dg.AssetCheckEvaluation]:
    return [
        event.event_specific_data
        for event in events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    ]


def problems(events: Iterable[dg.DagsterEvent]) -> list[Problem]:
    """Failed checks first (they name the figure), then errors, each cause said once."""
    events = list(events)
    found = [
        Problem(
            step=None,
            asset=check.asset_key.to_user_string(),
            message=check.description or "",
            check=check.check_name,
        )
        for check in failed_checks(events)
    ]
    for event in events:
        error = getattr(event.event_specific_data, "error", None)
        if error is None:
            continue
        message = root_message(error)
        if "blocking asset check" in message.lower() or any(message in p.message for p in found):
            continue
        asset = event.asset_key.to_user_string() if event.asset_key else event.step_key
        found.append(Problem(step=event.step_key, asset=asset, message=message))
    return found


def run_info(instance: dg.DagsterInstance, run: dg.DagsterRun, with_checks: bool = True) -> RunInfo:
    """What the run history needs to know of a run, from the instance that ran it.
    `with_checks=False` (a run's first step, before any check ran): the log is not read."""
    record = instance.get_run_record_by_id(run.run_id)
    events = (
        [e.dagster_event for e in instance.all_logs(run.run_id) if e.dagster_event]
        if with_checks
        else []
    )
    checks = check_evaluations(events)
    return RunInfo(
        run_id=run.run_id,
        tags=dict(run.tags),
        started=record.start_time if record else None,
        checks_passed=sum(c.passed for c in checks),
        checks_failed=sum(not c.passed for c in checks),
    )
