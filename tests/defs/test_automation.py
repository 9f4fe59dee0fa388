"""Schedule, sensors, failure alerts, run history and freshness, with Dagster's test helpers."""

from __future__ import annotations

import csv
import datetime as dt
import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import dagster as dg
import duckdb
import pytest
import yaml

from pipeline.defs.definitions import build_definitions
from pipeline.defs.resources import CaseAuditResource
from pipeline.ingest import inventory
from pipeline.operations.automation import AutomationSettings, folder_digest
from pipeline.operations.history import RunRecord, drop_in_inbox
from pipeline.settings import PROJECT_DIR, Settings
from pipeline.storage.lock import RunLock
from tests.conftest import REFERENCE_DIR
from tests.helpers import case, resource, write_csv

pytestmark = pytest.mark.slow  # whole runs under Dagster's test instance: not in `make test-fast`

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def defs_for(res: CaseAuditResource, **automation_overrides: object) -> dg.Definitions:
    settings = AutomationSettings.from_environment()
    values = {**settings.__dict__, **automation_overrides}
    return build_definitions(res, AutomationSettings(**values))


def history(res: CaseAuditResource) -> list[dict]:
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        frame = conn.execute("SELECT * FROM pipeline_runs ORDER BY finished_at").df()
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def run_job(defs: dg.Definitions, instance: dg.DagsterInstance, **tags: str):
    return defs.resolve_job_def("case_audit_job").execute_in_process(
        instance=instance, run_config=QUIET, raise_on_error=False, tags=tags
    )


# ---------------------------------------------------------------- schedule


def test_nightly_schedule_defaults_and_configuration(monkeypatch, tmp_path, sample_input) -> None:
    res = resource(tmp_path, sample_input)
    schedule = defs_for(res).resolve_schedule_def("nightly_case_audit")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 6 * * *", "Europe/London")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedule.job_name == "case_audit_job"
    context = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2026, 1, 5, 6, 0))
    [request] = schedule.evaluate_tick(context).run_requests
    assert request.job_name in (None, "case_audit_job")

    monkeypatch.setenv("CASE_AUDIT_SCHEDULE_CRON", "30 2 * * 1-5")
    monkeypatch.setenv("CASE_AUDIT_SCHEDULE_TIMEZONE", "UTC")
    changed = defs_for(res).resolve_schedule_def("nightly_case_audit")
    assert (changed.cron_schedule, changed.execution_timezone) == ("30 2 * * 1-5", "UTC")


# ---------------------------------------------------------------- input folder sensor


def evaluate(defs: dg.Definitions, res: CaseAuditResource, cursor: str | None):
    sensor = defs.resolve_sensor_def("input_folder_sensor")
    with dg.build_sensor_context(cursor=cursor, resources={"case_audit": res}) as context:
        result = sensor.evaluate_tick(context)
        # sensors never take the run lock
        assert not (res.workspace().build_dir / "run.lock").exists()
        return result, context.cursor


def test_sensor_requests_a_run_only_when_content_changes(
    tmp_path: Path, sample_input: Path
) -> None:
    res = resource(tmp_path, sample_input)
    defs = defs_for(res)
    sensor = defs.resolve_sensor_def("input_folder_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert sensor.minimum_interval_seconds == 30

    first, cursor = evaluate(defs, res, None)
    assert len(first.run_requests) == 1
    key = first.run_requests[0].run_key

    unchanged, cursor = evaluate(defs, res, cursor)  # e.g. after a daemon restart
    assert unchanged.run_requests == []
    assert "unchanged" in unchanged.skip_message

    write_csv(sample_input / "new" / "nwc.csv", [case()])  # a new file: one request
    added, cursor = evaluate(defs, res, cursor)
    assert len(added.run_requests) == 1
    added_key = added.run_requests[0].run_key
    assert added_key != key

    time.sleep(0.01)
    write_csv(sample_input / "new" / "nwc.csv", [case(rating="inadequate")])  # changed file
    changed, cursor = evaluate(defs, res, cursor)
    assert len(changed.run_requests) == 1
    assert changed.run_requests[0].run_key not in {key, added_key}

    (sample_input / "new" / "nwc.csv").unlink()  # back to the sample: the first run key again
    removed, _ = evaluate(defs, res, cursor)
    assert [r.run_key for r in removed.run_requests] == [key]


def test_sensor_skips_a_missing_folder(tmp_path: Path) -> None:
    res = resource(tmp_path, tmp_path / "nope")
    result, _ = evaluate(defs_for(res), res, None)
    assert result.run_requests == [] and "does not exist" in result.skip_message


def test_fingerprint_hashes_only_new_or_touched_files(monkeypatch, sample_input: Path) -> None:
    monkeypatch.setattr(inventory, "RACY_NS", -(10**12))  # trust the fresh copies' times
    calls: list[Path] = []
    real = inventory.sha256_of
    monkeypatch.setattr(inventory, "sha256_of", lambda p: calls.append(p) or real(p))
    fingerprint, known = folder_digest(sample_input, {})
    assert len(calls) == 2
    again, _ = folder_digest(sample_input, known)
    assert again == fingerprint and len(calls) == 2  # nothing re-hashed
    moved = sample_input / "moved.csv"
    (sample_input / "mps_ncpi_2016_part1.csv").rename(moved)
    renamed, _ = folder_digest(sample_input, known)
    assert renamed != fingerprint  # a rename is a change of the folder's content


# ---------------------------------------------------------------- failure sensor and history


class Webhook(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Webhook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict]]:
    Webhook.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CASE_AUDIT_ALERT_WEBHOOK", f"http://127.0.0.1:{server.server_port}/hook")
    yield Webhook.received
    server.shutdown()
    server.server_close()


def _alter_rating(path: Path) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    next(r for r in rows if r["rating"] == "good")["rating"] = "inadequate"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_failed_run_is_recorded_and_posted(tmp_path, sample_input, webhook) -> None:
    res = resource(tmp_path, sample_input)
    defs = defs_for(res)
    with dg.instance_for_test() as instance:
        assert run_job(defs, instance).success
        _alter_rating(sample_input / "mps_ncpi_2016_part1.csv")
        failed = run_job(defs, instance, **{"dagster/schedule_name": "nightly_case_audit"})
        assert not failed.success
        failure_event = next(
            e for e in failed.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE
        )
        sensor = defs.resolve_sensor_def("failure_alerts")
        with dg.build_run_status_sensor_context(
            sensor_name="failure_alerts",
            dagster_event=failure_event,
            dagster_instance=instance,
            dagster_run=failed.dagster_run,
            resources={"case_audit": res},
        ) as context:
            sensor(context.for_run_failure())

    runs = history(res)
    assert [r["status"] for r in runs] == ["success", "failure"]
    failure = runs[1]
    assert failure["run_id"] == failed.run_id
    assert failure["trigger"] == "schedule:nightly_case_audit"
    assert failure["failed_asset"] == "published_reconciliation"
    assert (
        "cases_not_good (differs): published 278/374, computed 279/374"
        in (failure["error_summary"])
    )
    [alert] = webhook
    assert alert["event"] == "case_audit.run_failed"
    assert alert["run_id"] == failed.run_id
    assert alert["failed_asset"] == "published_reconciliation"
    assert "cases_not_good" in alert["error_summary"]
    # the figures analysts see are still the last good ones
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        assert conn.execute(
            "SELECT numerator FROM headline_figures WHERE metric = 'cases_not_good'"
        ).fetchall() == [(278,)]


def test_webhook_down_does_not_hide_the_failure(tmp_path, sample_input, monkeypatch) -> None:
    from pipeline.defs.runner import run_pipeline

    monkeypatch.setenv("CASE_AUDIT_ALERT_WEBHOOK", "http://127.0.0.1:9/nothing-listens-here")
    write_csv(sample_input / "nwc.csv", [case(case_ref="X-1")])
    reference = tmp_path / "reference"  # a published figure the input no longer gives
    shutil.copytree(REFERENCE_DIR, reference)
    with (reference / "published_figures.csv").open("a") as figures:
        figures.write("NWC-CP-2025,Northwold Constabulary,cases_audited,2,2,,,test\n")
    settings = Settings.resolve(
        input_dir=sample_input, warehouse=tmp_path / "w.duckdb", reference_dir=reference
    )
    outcome = run_pipeline(settings, quiet=True)
    assert not outcome.success
    assert any("NWC-CP-2025 cases_audited" in p for p in outcome.problems)
    assert any("could not be posted" in p for p in outcome.problems)


def test_history_says_when_and_why_figures_changed(tmp_path, sample_input) -> None:
    res = resource(tmp_path, sample_input)
    defs = defs_for(res)
    with dg.instance_for_test() as instance:
        assert run_job(defs, instance).success
        assert run_job(defs, instance).success
        write_csv(sample_input / "nwc.csv", [case()])
        assert run_job(defs, instance, **{"dagster/sensor_name": "input_folder_sensor"}).success
    first, same, added = history(res)
    assert (first["figures_changed"], first["input_changes"]) == (
        True,
        ("added: mps_ncpi_2016_part1.csv, mps_ncpi_2016_part2.xlsx"),
    )
    assert (same["figures_changed"], same["input_changes"]) == (False, None)
    assert same["input_fingerprint"] == first["input_fingerprint"]
    assert (added["figures_changed"], added["input_changes"]) == (True, "added: nwc.csv")
    assert added["trigger"] == "sensor:input_folder_sensor"
    assert (added["files_seen"], added["rows_loaded"], added["rows_rejected"]) == (3, 375, 0)
    # the two blocking checks and the two data-quality warnings
    assert (added["checks_passed"], added["checks_failed"]) == (4, 0)
    assert added["started_at"] <= added["finished_at"]


def test_failure_seen_during_a_run_is_kept_for_the_next_publish(tmp_path, sample_input) -> None:
    from pipeline.operations.history import record_failure

    res = resource(tmp_path, sample_input)
    defs = defs_for(res)
    lock = RunLock(res.workspace().build_dir / "run.lock").acquire()
    try:  # a run holds the lock: the failure waits in the inbox
        queued = RunRecord(run_id="r-1", status="failure")
        assert not record_failure(res.workspace(), queued, wait=0)
    finally:
        lock.release()
    drop_in_inbox(res.workspace(), RunRecord(run_id="r-2", status="failure", error_summary="x"))
    with dg.instance_for_test() as instance:
        assert run_job(defs, instance).success
    runs = history(res)
    assert {r["run_id"] for r in runs if r["status"] == "failure"} == {"r-1", "r-2"}
    assert not list((res.workspace().build_dir / "history_inbox").glob("*.json"))


# ---------------------------------------------------------------- freshness and instance


def test_freshness_check_warns_when_the_warehouse_is_old(tmp_path, sample_input) -> None:
    """Fresh within a limit no run can reach (an hour), stale under a 1-second limit once the
    materialisation is older than that: conditions, not the machine's speed."""
    res = resource(tmp_path, sample_input)

    def freshness(max_age: dt.timedelta) -> tuple[dg.Definitions, dg.JobDefinition]:
        defs = defs_for(res, max_age=max_age)
        check_keys = [
            k for k in defs.resolve_asset_graph().asset_check_keys if k.name == "freshness_check"
        ]
        assert [k.asset_key.to_user_string() for k in check_keys] == ["published_warehouse"]
        job = dg.define_asset_job("freshness", selection=dg.AssetSelection.checks(*check_keys))
        merged = dg.Definitions.merge(defs, dg.Definitions(jobs=[job]))
        return merged, merged.resolve_job_def("freshness")

    lenient_defs, lenient = freshness(dt.timedelta(hours=1))
    strict_defs, strict = freshness(dt.timedelta(seconds=1))
    with dg.instance_for_test() as instance:
        assert run_job(lenient_defs, instance).success
        [evaluation] = lenient.execute_in_process(instance=instance).get_asset_check_evaluations()
        assert evaluation.passed
        assert (
            "The warehouse was last published less than a minute ago (" in (evaluation.description)
            and "within the limit of 1 hour." in evaluation.description
        )
        event = instance.get_latest_materialization_event(dg.AssetKey("published_warehouse"))
        while time.time() - event.timestamp <= 1.5:  # until older than the strict limit
            time.sleep(0.1)
        stale = strict.execute_in_process(instance=instance, raise_on_error=False)
        [evaluation] = stale.get_asset_check_evaluations()
        assert not evaluation.passed
        assert evaluation.severity == dg.AssetCheckSeverity.WARN
        assert "older than the limit of less than a minute: a run is overdue" in (
            evaluation.description
        )

        # the sensor evaluates the check without a run, and says so again only on a change
        sensor = strict_defs.resolve_sensor_def("warehouse_freshness_sensor")
        with dg.build_sensor_context(instance=instance) as context:
            result = sensor(context)
            assert "a run is overdue" in result.skip_message
            cursor = context.cursor
        key = dg.AssetCheckKey(dg.AssetKey("published_warehouse"), "freshness_check")
        reported = instance.event_log_storage.get_latest_asset_check_execution_by_key([key])
        assert reported[key].event.dagster_event.event_specific_data.passed is False
        before = len(instance.event_log_storage.get_asset_check_execution_history(key, limit=50))
        with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
            sensor(context)
        after = len(instance.event_log_storage.get_asset_check_execution_history(key, limit=50))
        assert after == before  # the same verdict within the hour: not reported again


def test_committed_instance_config_queues_one_run_at_a_time() -> None:
    config = yaml.safe_load((PROJECT_DIR / "deploy" / "dagster.yaml").read_text())
    coordinator = config["run_coordinator"]
    assert coordinator["class"] == "QueuedRunCoordinator"
    assert coordinator["config"]["max_concurrent_runs"] == 1
    makefile = (PROJECT_DIR / "Makefile").read_text()
    assert "DAGSTER_HOME ?= $(CURDIR)/.dagster_home" in makefile
    ignored = (PROJECT_DIR / ".gitignore").read_text().splitlines()
    assert ".dagster_home/" in ignored
