"""Partitioned runs by inspection (pipeline/partitions/): a run per folder of the input
folder, then a merge. Exercised locally with Dagster's dynamic partitions, the same way
the daemon runs them: the merged warehouse must equal a whole-folder run's, table by table.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipeline.defs.definitions import build_definitions
from pipeline.defs.resources import CaseAuditResource
from pipeline.defs.run_events import problems
from pipeline.operations.automation import AutomationSettings
from pipeline.operations.history import RunRecord, record_failure
from pipeline.partitions.layout import files_outside_partitions, partition_keys
from pipeline.reconcile.tables import table_models
from pipeline.warehouse.catalogue import undocumented
from tests.conftest import SAMPLE_DIR
from tests.helpers import case, resource, write_csv

PUBLISHED_TABLES = [model.name for model in table_models()]  # their assets: one per model

pytestmark = pytest.mark.slow  # partitioned runs and merges: not in `make test-fast`

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
MPS, NWC = "MPS-NCPI-2016", "NWC-CP-2025"


def definitions(res: CaseAuditResource, mode: str = "partitioned") -> dg.Definitions:
    values = {**AutomationSettings.from_environment().__dict__, "run_mode": mode}
    return build_definitions(res, AutomationSettings(**values))


def nwc_rows(prefix: str = "NW") -> list[dict[str, object]]:
    rows = [
        case(case_ref=f"{prefix}-{n:04}", rating=["good", "inadequate"][n % 2]) for n in range(1, 9)
    ]
    rows.append(case(case_ref=f"{prefix}-0099", rating="excellent"))  # quarantined
    return rows


@pytest.fixture
def by_inspection(tmp_path: Path) -> Path:
    """The sample (inspection MPS-NCPI-2016) and a small second inspection, a folder each."""
    incoming = tmp_path / "incoming"
    shutil.copytree(SAMPLE_DIR, incoming / MPS)
    write_csv(incoming / NWC / "nwc.csv", nwc_rows())
    return incoming


def run_partition(defs: dg.Definitions, instance: dg.DagsterInstance, key: str):
    return defs.resolve_job_def("inspection_job").execute_in_process(
        partition_key=key, instance=instance, run_config=QUIET, raise_on_error=False
    )


def merge(defs: dg.Definitions, instance: dg.DagsterInstance):
    return defs.resolve_job_def("partitioned_merge_job").execute_in_process(
        instance=instance, run_config=QUIET, raise_on_error=False
    )


def failure_text(result: dg.ExecuteInProcessResult) -> str:
    """What a person is told: each problem of the run in a sentence (no tracebacks)."""
    return " ".join(str(problem) for problem in problems(result.all_events))


def tables(path: str | Path) -> dict[str, pd.DataFrame]:
    """Every published table, rows in a stable order (a list cell, such as a framework's
    levels, as a tuple: comparable and sortable)."""
    with duckdb.connect(str(path), read_only=True) as conn:
        return {
            name: (frame := _lists_as_tuples(conn.execute(f"SELECT * FROM {name}").df()))
            .sort_values(list(frame.columns))
            .reset_index(drop=True)
            for name in PUBLISHED_TABLES
        }


def _lists_as_tuples(frame: pd.DataFrame) -> pd.DataFrame:
    listed = [
        c
        for c in frame
        if frame[c].map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).any()
    ]
    return frame.assign(**{c: frame[c].map(tuple) for c in listed})


def run_ids(path: str | Path) -> set[str]:
    with duckdb.connect(str(path), read_only=True) as conn:
        return {run_id for (run_id,) in conn.execute("SELECT run_id FROM pipeline_runs").fetchall()}


def test_partitioned_runs_publish_what_a_whole_folder_run_publishes(tmp_path, by_inspection):
    whole = resource(tmp_path, by_inspection, "whole")
    assert (
        definitions(whole, "whole")
        .resolve_job_def("case_audit_job")
        .execute_in_process(run_config=QUIET)
        .success
    )

    res = resource(tmp_path, by_inspection, "national")
    defs = definitions(res)
    instance = dg.DagsterInstance.ephemeral()
    assert partition_keys(by_inspection) == [MPS, NWC]
    instance.add_dynamic_partitions("inspection", [MPS, NWC])
    runs = {key: run_partition(defs, instance, key) for key in (MPS, NWC)}
    assert all(run.success for run in runs.values())
    # every step of a partition's run is a materialisation of that partition, in the
    # instance (what the UI shows), not a graph run inside a step
    for key, run in runs.items():
        done = {
            (m.asset_key.to_user_string(), m.partition)
            for m in (
                e.event_specific_data.materialization
                for e in run.get_asset_materialization_events()
            )
        }
        steps = ("input_files", "validated_rows", "tables", "warehouse")
        assert done == {(f"inspection/{step}", key) for step in steps}
        latest = instance.get_latest_materialization_event(dg.AssetKey(["inspection", "warehouse"]))
        assert latest is not None and latest.run_id in {r.run_id for r in runs.values()}
    # each partition has its own published warehouse, holding only its inspection
    for key in (MPS, NWC):
        own = Path(res.warehouse).parent / "partitions" / key / "case_audit.duckdb"
        with duckdb.connect(str(own), read_only=True) as conn:
            assert conn.execute("SELECT DISTINCT inspection_id FROM case_audits").fetchall() == [
                (key,)
            ]

    result = merge(defs, instance)
    assert result.success
    [done] = result.asset_materializations_for_node("partitioned_warehouse")
    assert done.metadata["dagster/row_count"].value == 2  # a row per partition
    assert f"| {MPS} | 2 |" in done.metadata["preview"].value  # its two files
    merged, expected = tables(res.warehouse), tables(whole.warehouse)
    for name in PUBLISHED_TABLES:  # source_file is relative to the whole input folder again
        pd.testing.assert_frame_equal(merged[name], expected[name], obj=name)
    assert set(merged["case_audits"]["source_file"]) == {
        f"{MPS}/mps_ncpi_2016_part1.csv",
        f"{MPS}/mps_ncpi_2016_part2.xlsx",
        f"{NWC}/nwc.csv",
    }
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        assert undocumented(conn) == []  # the same described schema, views included
        assert conn.execute("SELECT count(*) FROM v_headline").fetchone()[0] > 0
    feeds = Path(res.feeds_dir)
    assert (feeds / "manifest.json").exists() and (feeds / "dashboard.html").exists()

    # a failure recorded for the merged warehouse (as failure_alerts does) keeps the
    # partitions' runs, and the next merge keeps the failure
    partition_runs = run_ids(res.warehouse)
    assert len(partition_runs) == 2
    assert record_failure(res.workspace(), RunRecord(run_id="merge-failed", status="failure"))
    assert run_ids(res.warehouse) == partition_runs | {"merge-failed"}
    assert merge(defs, instance).success
    assert run_ids(res.warehouse) == partition_runs | {"merge-failed"}


def test_a_partition_fails_alone_and_nothing_half_built_is_merged(tmp_path, by_inspection):
    (by_inspection / MPS / "mps_ncpi_2016_part2.xlsx").unlink()  # MPS no longer reconciles
    res = resource(tmp_path, by_inspection, "national")
    defs = definitions(res)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("inspection", [MPS, NWC])
    failed, passed = run_partition(defs, instance, MPS), run_partition(defs, instance, NWC)
    assert not failed.success and passed.success
    assert f"partition {MPS}: " in failure_text(failed)
    assert "published figures do not reconcile" in failure_text(failed)

    merged = merge(defs, instance)
    assert not merged.success
    assert f"partition(s) not built yet: {MPS}" in failure_text(merged)
    assert not Path(res.warehouse).exists()  # no national warehouse without every partition


def test_an_inspection_split_across_partitions_is_refused(tmp_path):
    incoming = tmp_path / "incoming"
    write_csv(incoming / "north" / "a.csv", nwc_rows("NA"))
    write_csv(incoming / "south" / "b.csv", nwc_rows("SB"))  # the same inspection id
    res = resource(tmp_path, incoming, "national")
    defs = definitions(res)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("inspection", ["north", "south"])
    assert all(run_partition(defs, instance, key).success for key in ("north", "south"))
    merged = merge(defs, instance)
    assert not merged.success
    assert f"{NWC} in north, south" in failure_text(merged)
    assert not Path(res.warehouse).exists()


def test_sensor_keeps_partitions_in_step_with_the_folders(tmp_path, by_inspection):
    (by_inspection / "stray.csv").write_text("inspection_id\nX\n")  # outside any partition
    (by_inspection / "not a key").mkdir()
    write_csv(by_inspection / "not a key" / "c.csv", nwc_rows("NK"))
    assert files_outside_partitions(by_inspection) == ["not a key/c.csv", "stray.csv"]
    res = resource(tmp_path, by_inspection, "national")
    sensor = definitions(res).resolve_sensor_def("inspection_folders_sensor")
    instance = dg.DagsterInstance.ephemeral()

    def evaluate(cursor: str | None) -> dg.SensorResult:
        context = dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"case_audit_paths": res.paths()}
        )
        result = sensor(context)
        for request in result.dynamic_partitions_requests or []:
            if isinstance(request, dg.AddDynamicPartitionsRequest):
                instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
            else:
                for key in request.partition_keys:
                    instance.delete_dynamic_partition(request.partitions_def_name, key)
        return result, context.cursor

    first, cursor = evaluate(None)
    assert sorted(instance.get_dynamic_partitions("inspection")) == [MPS, NWC]
    assert sorted(r.partition_key for r in first.run_requests) == [MPS, NWC]
    again, cursor = evaluate(cursor)
    assert again.run_requests == []  # nothing changed, nothing to run

    write_csv(by_inspection / NWC / "more.csv", nwc_rows("NX"))
    changed, cursor = evaluate(cursor)
    assert [r.partition_key for r in changed.run_requests] == [NWC]
    assert changed.run_requests[0].run_key.startswith(f"{NWC}:")

    shutil.rmtree(by_inspection / NWC)
    gone, _ = evaluate(cursor)
    assert instance.get_dynamic_partitions("inspection") == [MPS]
    assert gone.run_requests == []


def test_merge_sensor_waits_for_every_partition(tmp_path, by_inspection):
    res = resource(tmp_path, by_inspection, "national")
    defs = definitions(res)
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("inspection", [MPS, NWC])
    sensor = defs.resolve_sensor_def("merge_after_inspection_runs")

    def evaluate(run: dg.ExecuteInProcessResult):
        events = [e.dagster_event for e in instance.all_logs(run.run_id) if e.dagster_event]
        event = next(e for e in events if e.event_type == dg.DagsterEventType.RUN_SUCCESS)
        context = dg.build_run_status_sensor_context(
            sensor_name=sensor.name,
            dagster_instance=instance,
            dagster_run=run.dagster_run,
            dagster_event=event,
            resources={"case_audit_paths": res.paths()},
        )
        return sensor(context)

    first = evaluate(run_partition(defs, instance, MPS))
    assert isinstance(first, dg.SkipReason) and NWC in first.skip_message
    last = run_partition(defs, instance, NWC)
    request = evaluate(last)
    assert isinstance(request, dg.RunRequest) and request.run_key == last.run_id


def test_run_mode_chooses_which_automation_runs(tmp_path, by_inspection):
    res = resource(tmp_path, by_inspection, "national")
    for mode in ("whole", "partitioned"):
        defs = definitions(res, mode)
        running = {
            d.name for d in [*defs.schedules, *defs.sensors] if d.default_status.value == "RUNNING"
        }
        whole = {"nightly_case_audit", "input_folder_sensor"}
        partitioned = {
            "nightly_inspections",
            "inspection_folders_sensor",
            "merge_after_inspection_runs",
        }
        assert running >= {"failure_alerts", "warehouse_freshness_sensor"}
        assert running >= (whole if mode == "whole" else partitioned)
        assert not running & (partitioned if mode == "whole" else whole)
    whole_job = definitions(res).resolve_job_def("case_audit_job")
    selected = {key.to_user_string() for key in whole_job.asset_layer.selected_asset_keys}
    assert "published_warehouse" in selected
    assert not selected & {"inspection/warehouse", "partitioned_warehouse"}
    with pytest.raises(ValueError, match="CASE_AUDIT_RUN_MODE"):
        AutomationSettings(
            cron="0 6 * * *",
            timezone="UTC",
            sensor_interval_seconds=30,
            max_age=pd.Timedelta(hours=1),
            run_mode="sideways",
        )
