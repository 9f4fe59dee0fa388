"""Failure handling shared by the run-failure sensor and `case-audit run`.

A failure is recorded in the run history (`pipeline_runs`) and, when
CASE_AUDIT_ALERT_WEBHOOK is set, posted there as JSON. Posting never raises: a webhook that
is down must not hide the failure it reports, so its error is returned and logged instead.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass

import duckdb

from pipeline.errors import CaseAuditError
from pipeline.operations.history import (
    Problem,
    RunInfo,
    RunRecord,
    failed_run_changes,
    failure_record,
    record_failure,
)
from pipeline.operations.publication import Publication, what_was_published
from pipeline.settings import setting
from pipeline.storage.workspace import Workspace

TIMEOUT_SECONDS = 10


@dataclass
class FailureReport:
    record: RunRecord
    history_published: bool
    webhook_error: str | None
    publication: Publication
    history_error: str | None = None  # why the failure could not be recorded, if it could not


def post_alert(url: str, payload: dict[str, object]) -> str | None:
    """POST `payload` as JSON; None when the webhook answered 2xx, else what went wrong."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, default=str).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "case-audit"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return None if 200 <= response.status < 300 else f"HTTP {response.status}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"


def alert_payload(
    record: RunRecord, resource: Workspace, job: str, publication: Publication
) -> dict[str, object]:
    return {
        "event": "case_audit.run_failed",
        "job": job,
        "warehouse": resource.warehouse,
        "published_warehouse_changed": "warehouse" in publication.published,
        "published": list(publication.published),
        "not_published": list(publication.not_published),
        **{k: v for k, v in asdict(record).items() if v is not None},
    }


def handle_failure(
    resource: Workspace, run: RunInfo, job: str, found: list[Problem]
) -> FailureReport:
    """Record a failed run in the history and post the alert, if a webhook is configured;
    both say exactly which published parts this run changed before it failed. Never raises
    for the file system: a failure that cannot be recorded is said so."""
    publication = what_was_published(resource, run.run_id)
    said = publication.sentence() if publication.anything else ""
    record = failure_record(run, found, said)
    record.input_changes = failed_run_changes(resource)
    recorded, history_error = False, None
    try:
        recorded = record_failure(resource, record)
    except (OSError, CaseAuditError, duckdb.Error) as exc:
        history_error = f"{type(exc).__name__}: {exc}"
    url = setting("alert_webhook")
    payload = alert_payload(record, resource, job, publication)
    error = post_alert(url, payload) if url else None
    return FailureReport(record, recorded, error, publication, history_error)
