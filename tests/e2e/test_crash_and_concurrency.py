"""Crashes, concurrent readers and concurrent runs, with real processes.

The published warehouse is only ever replaced whole (atomic rename), so whatever happens to
a run, analysts see either the previous warehouse or the new one, never a mixture.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from pipeline.defs.resources import CaseAuditResource
from pipeline.settings import PROJECT_DIR, Settings
from pipeline.storage.lock import RunLock
from tests.conftest import REFERENCE_DIR
from tests.helpers import case, write_csv

pytestmark = pytest.mark.slow  # real processes killed and raced: not in `make test-fast`

EXTRA_ROWS = 5


def cli(input_dir: Path, warehouse: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "run",
            "--input",
            str(input_dir),
            "--warehouse",
            str(warehouse),
        ],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CASE_AUDIT_REFERENCE_DIR": str(REFERENCE_DIR)},
    )


def run_cli(input_dir: Path, warehouse: Path) -> subprocess.CompletedProcess:
    process = cli(input_dir, warehouse)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def state(warehouse: Path) -> tuple[int, int]:
    """(cases, rows loaded per file_loads), read as an analyst would; must agree."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        cases = conn.execute("SELECT count(*) FROM case_audits").fetchone()[0]
        loaded = conn.execute("SELECT coalesce(sum(rows_loaded), 0) FROM file_loads").fetchone()[0]
    return cases, int(loaded)


def add_extra_file(input_dir: Path) -> None:
    rows = [case(case_ref=f"NW-{n:04}") for n in range(EXTRA_ROWS)]
    write_csv(input_dir / "northwold.csv", rows)


@pytest.fixture
def published(tmp_path: Path, sample_input: Path) -> tuple[Path, Path]:
    """A warehouse published from the sample, and an input folder that now holds more."""
    warehouse = tmp_path / "wh" / "case_audit.duckdb"
    done = run_cli(sample_input, warehouse)
    assert done.returncode == 0, done.stdout + done.stderr
    assert state(warehouse) == (374, 374)
    add_extra_file(sample_input)
    return sample_input, warehouse


def _build(warehouse: Path) -> CaseAuditResource:
    return CaseAuditResource.from_settings(Settings.resolve(warehouse=warehouse))


def _validated(warehouse: Path) -> Callable[[], bool]:
    build = _build(warehouse).workspace().build_path
    start = build.stat().st_mtime_ns if build.exists() else 0
    return lambda: build.exists() and build.stat().st_mtime_ns != start


def _publishing(warehouse: Path) -> Callable[[], bool]:
    return lambda: any(warehouse.parent.glob(f".{warehouse.name}.*.tmp"))


KILL_POINTS = {
    "at_start": lambda w: lambda: True,
    "while_building": _validated,
    "while_publishing": _publishing,
}


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_sigkill_leaves_the_published_warehouse_intact(point: str, published) -> None:
    input_dir, warehouse = published
    reached = KILL_POINTS[point](warehouse)
    process = cli(input_dir, warehouse)
    deadline = time.monotonic() + 120
    while process.poll() is None and not reached() and time.monotonic() < deadline:
        time.sleep(0.001)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    if point == "while_publishing":  # a copy of a few MB may finish before the kill lands
        assert state(warehouse) in {(374, 374), (374 + EXTRA_ROWS, 374 + EXTRA_ROWS)}
    else:  # killed before publishing: the previous warehouse, intact and openable
        assert process.returncode == -signal.SIGKILL
        assert state(warehouse) == (374, 374)
    # and the next run is not blocked by anything the killed one left behind
    done = run_cli(input_dir, warehouse)
    assert done.returncode == 0, done.stdout + done.stderr
    assert state(warehouse) == (374 + EXTRA_ROWS, 374 + EXTRA_ROWS)
    assert not list(warehouse.parent.glob(f".{warehouse.name}.*.tmp"))


def test_sigkill_at_many_moments(published) -> None:
    input_dir, warehouse = published
    started = time.monotonic()
    done = run_cli(input_dir, warehouse)
    assert done.returncode == 0
    duration = time.monotonic() - started
    add_extra_file(input_dir)  # same content again: state stays (379, 379) when published
    for step in range(1, 8):
        process = cli(input_dir, warehouse)
        time.sleep(duration * step / 8)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        assert state(warehouse) == (374 + EXTRA_ROWS, 374 + EXTRA_ROWS)


READER = textwrap.dedent(
    """
    import sys, time, duckdb
    conn = duckdb.connect(sys.argv[1], read_only=True)
    print("ready", flush=True)
    end = time.monotonic() + float(sys.argv[2])
    while time.monotonic() < end:
        cases = conn.execute("SELECT count(*) FROM case_audits").fetchone()[0]
        loaded = conn.execute("SELECT sum(rows_loaded) FROM file_loads").fetchone()[0]
        print(cases, loaded, flush=True)
        time.sleep(0.01)
    """
)


def test_reader_neither_blocks_nor_sees_half_a_build(published) -> None:
    input_dir, warehouse = published
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout.readline().strip() == "ready"
    done = run_cli(input_dir, warehouse)
    assert done.returncode == 0, done.stdout + done.stderr
    assert reader.poll() is None  # still holding its connection: it did not block the run
    reader.kill()
    out, err = reader.communicate()
    observations = {tuple(map(int, line.split())) for line in out.splitlines() if line}
    assert observations == {(374, 374)}, err  # the old warehouse, consistently
    assert state(warehouse) == (374 + EXTRA_ROWS, 374 + EXTRA_ROWS)  # new connection: new data


def test_second_run_fails_clearly_while_one_holds_the_warehouse(published) -> None:
    input_dir, warehouse = published
    before = warehouse.read_bytes()
    lock = RunLock(_build(warehouse).workspace().build_dir / "run.lock").acquire()
    try:
        done = run_cli(input_dir, warehouse)
    finally:
        lock.release()
    assert done.returncode == 1
    assert "another case-audit run (pid" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert warehouse.read_bytes() == before


def test_two_runs_started_together(published) -> None:
    input_dir, warehouse = published
    first, second = cli(input_dir, warehouse), cli(input_dir, warehouse)
    results = [(*p.communicate(timeout=300), p.returncode) for p in (first, second)]
    codes = sorted(code for _, _, code in results)
    assert codes in ([0, 0], [0, 1])
    for out, err, code in results:
        assert "Traceback" not in out + err
        if code == 1:
            assert "another case-audit run" in out
    assert state(warehouse) == (374 + EXTRA_ROWS, 374 + EXTRA_ROWS)
