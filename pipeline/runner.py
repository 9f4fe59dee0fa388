"""Run the whole asset graph in-process, as `case-audit run` does, and say how it went."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import dagster as dg

from pipeline.definitions import ASSETS, CHECKS
from pipeline.resources import CaseAuditResource
from pipeline.settings import Settings


@dataclass
class RunOutcome:
    """`success` and, when not, one plain sentence per problem (no tracebacks)."""

    success: bool
    run_id: str
    problems: list[str] = field(default_factory=list)


def _root_message(error: object) -> str:
    """The innermost cause of a Dagster step error: the user's problem, not the wrapper."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    cls_name = getattr(error, "cls_name", "") or ""
    message = (getattr(error, "message", "") or "").strip()
    message = re.sub(rf"^[\w.]*\b{re.escape(cls_name)}:\s*", "", message) if cls_name else message
    known = cls_name in {"CaseAuditError", "FileRefused"}
    return message if known else f"internal error ({cls_name}): {message}"


def run_pipeline(settings: Settings, run_date: str = "", quiet: bool = False) -> RunOutcome:
    """Materialise every asset and check over `settings`; never raises for a failed run.

    `quiet` silences Dagster's console log (the CLI prints its own summary instead).
    """
    resource = CaseAuditResource.from_settings(settings, run_date=run_date)
    level = "CRITICAL" if quiet else "INFO"
    result = dg.materialize(
        [*ASSETS, *CHECKS],
        resources={"case_audit": resource},
        run_config={"loggers": {"console": {"config": {"log_level": level}}}},
        raise_on_error=False,
    )
    problems = [
        f"check {evaluation.check_name} failed: {evaluation.description}"
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
    ]
    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None)
        if error is None:
            continue
        message = _root_message(error)
        if "blocking asset check" in message.lower() or any(message in p for p in problems):
            continue
        where = f"step {event.step_key}" if event.step_key else "run"
        problems.append(f"{where} failed: {message}")
    return RunOutcome(success=result.success, run_id=result.run_id, problems=problems)
