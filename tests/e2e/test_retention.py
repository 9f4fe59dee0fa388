"""Retention (issue 22, point 4), with the run date as the clock: a superseded file's rows
(providers' case_refs and raw values) leave the private staging database CASE_AUDIT_RETENTION_DAYS
after their content left the input folder, also when nothing else changed; Dagster's finished
runs are deleted after CASE_AUDIT_DAGSTER_RUN_DAYS. Each run says what it purged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipeline.defs.graph import run_graph
from tests.helpers import case, resource, write_csv

pytestmark = pytest.mark.slow  # whole runs

DAY = dt.date(2026, 3, 2)


def _run(root: Path, incoming: Path, day: dt.date, instance=None) -> dg.ExecuteInProcessResult:
    result = dg.materialize(
        run_graph(),
        resources={"case_audit": resource(root, incoming, run_date=day.isoformat())},
        instance=instance,
        raise_on_error=False,
    )
    assert result.success
    return result


def _staged(root: Path) -> dict[str, object]:
    """case_ref -> superseded_on of every staged row (providers' references included)."""
    [path] = root.rglob("staging.duckdb")
    with duckdb.connect(str(path), read_only=True) as conn:
        return dict(
            conn.execute(
                "SELECT r.case_ref, f.superseded_on FROM staged_rows AS r "
                "JOIN staged_files AS f USING (sha256)"
            ).fetchall()
        )


def _retention(result: dg.ExecuteInProcessResult) -> dict:
    """What the run's first step said retention did (its materialisation, or its
    observation when all else was current)."""
    first = dg.AssetKey("input_files")
    [done] = [
        *(m for m in result.asset_materializations_for_node("input_files") if m.asset_key == first),
        *(
            e.asset_observation_data.asset_observation
            for e in result.get_asset_observation_events()
            if e.asset_key == first
        ),
    ]
    return {key: value.value for key, value in done.metadata.items()}


def _purged(result: dg.ExecuteInProcessResult) -> tuple[int, int]:
    said = _retention(result)
    return said["superseded_files_purged"], said["superseded_rows_purged"]


@pytest.fixture
def incoming(tmp_path: Path) -> Path:
    folder = tmp_path / "incoming"
    folder.mkdir()
    write_csv(folder / "kept.csv", [case(case_ref=f"K-{n}") for n in range(3)])
    write_csv(folder / "replaced.csv", [case(case_ref=f"OLD-{n}") for n in range(2)])
    return folder


def test_a_superseded_files_rows_are_purged_after_the_retention_days(
    tmp_path: Path, incoming: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASE_AUDIT_RETENTION_DAYS", "30")
    _run(tmp_path, incoming, DAY)
    assert {"OLD-0", "OLD-1", "K-0"} <= set(_staged(tmp_path))
    # the provider sends a corrected file: the old content is superseded, not yet purged
    write_csv(incoming / "replaced.csv", [case(case_ref=f"NEW-{n}") for n in range(2)])
    day = DAY + dt.timedelta(days=1)
    assert _purged(_run(tmp_path, incoming, day)) == (0, 0)
    staged = _staged(tmp_path)
    assert staged["OLD-0"] == day and staged["NEW-0"] is None and staged["K-0"] is None
    # nothing else changes; thirty days on, the next run purges it, and says so
    assert _purged(_run(tmp_path, incoming, day + dt.timedelta(days=29))) == (0, 0)
    result = _run(tmp_path, incoming, day + dt.timedelta(days=30))
    assert _purged(result) == (1, 2)
    assert not {"OLD-0", "OLD-1"} & set(_staged(tmp_path))
    assert {"NEW-0", "K-0"} <= set(_staged(tmp_path))
    assert "1 superseded file(s) (2 rows" in _retention(result)["retention"]


def test_a_content_that_comes_back_is_kept_and_zero_days_purges_at_once(
    tmp_path: Path, incoming: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASE_AUDIT_RETENTION_DAYS", "30")
    _run(tmp_path, incoming, DAY)
    original = (incoming / "replaced.csv").read_bytes()
    (incoming / "replaced.csv").unlink()
    _run(tmp_path, incoming, DAY + dt.timedelta(days=1))
    assert _staged(tmp_path)["OLD-0"] == DAY + dt.timedelta(days=1)
    (incoming / "replaced.csv").write_bytes(original)  # restored within the retention
    _run(tmp_path, incoming, DAY + dt.timedelta(days=2))
    assert _staged(tmp_path)["OLD-0"] is None
    monkeypatch.setenv("CASE_AUDIT_RETENTION_DAYS", "0")
    (incoming / "replaced.csv").unlink()
    assert _purged(_run(tmp_path, incoming, DAY + dt.timedelta(days=3))) == (1, 2)
    assert "OLD-0" not in _staged(tmp_path)


def test_dagster_runs_older_than_the_setting_are_deleted(
    tmp_path: Path, incoming: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASE_AUDIT_DAGSTER_RUN_DAYS", "90")
    with dg.instance_for_test() as instance:
        first = _run(tmp_path, incoming, DAY, instance).run_id
        # a run 90 days on keeps the first (finished today, by the wall clock, not by then)
        result = _run(tmp_path, incoming, dt.date.today() + dt.timedelta(days=90), instance)
        assert instance.get_run_by_id(first) is not None
        assert _retention(result)["dagster_runs_deleted"] == 0
        result = _run(tmp_path, incoming, dt.date.today() + dt.timedelta(days=92), instance)
        assert instance.get_run_by_id(first) is None
        assert instance.get_run_by_id(result.run_id) is not None  # never the run itself
        assert _retention(result)["dagster_runs_deleted"] == 2
        assert "2 Dagster run(s)" in _retention(result)["dagster_runs"]
