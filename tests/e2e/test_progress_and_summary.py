"""What a person at a terminal sees: progress by phase with rows done, then a short summary
(one inspection or everything in full on request)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline.cli import main
from pipeline.defs.runner import run_pipeline
from pipeline.progress import Progress, showing
from pipeline.synth import write
from tests.helpers import RUN_DATE, resource

pytestmark = pytest.mark.slow  # whole runs


class Recorder(Progress):
    def __init__(self) -> None:
        self.phases: list[str] = []
        self.rows: dict[str, int] = {}

    def phase(self, name: str) -> None:
        self.phases.append(name)

    def advance(self, rows: int) -> None:
        self.rows[self.phases[-1]] = self.rows.get(self.phases[-1], 0) + rows


def test_a_run_reports_its_phases_and_rows(tmp_path, sample_input) -> None:
    settings = resource(tmp_path, sample_input).settings()
    with showing(Recorder()) as seen:
        assert run_pipeline(settings, run_date=RUN_DATE.isoformat(), quiet=True).success
    assert seen.phases[:2] == [
        "validating mps_ncpi_2016_part1.csv",
        "validating mps_ncpi_2016_part2.xlsx",
    ]
    assert sum(seen.rows.values()) == 374  # every row, counted once
    for later in (
        "applying the rules that compare rows",
        "building the warehouse's tables",
        "publishing the warehouse",
        "writing the dashboard feeds",
        "drawing the dashboard",
    ):
        assert later in seen.phases


def test_no_progress_display_when_not_a_terminal(tmp_path, sample_input) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "check", str(sample_input)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "\x1b[" not in done.stderr + done.stdout
    assert "file(s)" in done.stdout


def many_inspections(tmp_path) -> list[str]:
    write(3_000, tmp_path / "incoming" / "cases.csv")
    return [
        "run",
        "--input",
        str(tmp_path / "incoming"),
        "--warehouse",
        str(tmp_path / "wh" / "w.duckdb"),
        "--feeds",
        str(tmp_path / "feeds"),
        "--quiet",
    ]


def test_the_report_is_short_unless_asked(tmp_path, capsys) -> None:
    args = many_inspections(tmp_path)
    assert main(args) == 0
    short = capsys.readouterr().out
    assert "--inspection ID for one in full, --all for everything" in short
    assert "... and" in short and len(short.splitlines()) < 45
    first = short.split("pct_not_good\n", 1)[1].split()[0]  # the first inspection listed
    assert main([*args, "--inspection", first]) == 0
    one = capsys.readouterr().out
    assert f"Headline figures: {first}" in one and one.count("Headline figures:") == 1
    assert main([*args, "--all"]) == 0
    assert capsys.readouterr().out.count("Headline figures:") > 20
    assert main([*args, "--inspection", "NO-SUCH-1"]) == 0  # the run succeeded: it says so
    assert "No inspection 'NO-SUCH-1' in the warehouse" in capsys.readouterr().out


def test_rebuild_from_the_command_line_publishes_again(tmp_path, sample_input) -> None:
    args = [
        "run",
        "--input",
        str(sample_input),
        "--warehouse",
        str(tmp_path / "w.duckdb"),
        "--feeds",
        str(tmp_path / "feeds"),
        "--quiet",
    ]
    assert main(args) == 0
    first = (tmp_path / "w.duckdb").stat().st_ino
    assert main(args) == 0  # nothing changed: the published file is kept
    assert (tmp_path / "w.duckdb").stat().st_ino == first
    assert main([*args, "--rebuild"]) == 0  # everything again: a new file replaces it
    assert (tmp_path / "w.duckdb").stat().st_ino != first
