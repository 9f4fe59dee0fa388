"""The console script end to end, as a user runs it (a real subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import main
from pipeline.settings import PROJECT_DIR, Settings
from schemas.frameworks import catalogue
from schemas.rules import rules_of
from tests.helpers import case, write_csv

pytestmark = pytest.mark.slow  # the console script as real subprocesses: not in `make test-fast`

CLI = [sys.executable, "-m", "pipeline.cli"]


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [*CLI, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        cwd=cwd or PROJECT_DIR,
    )


def test_run_on_the_sample_prints_the_published_figures(tmp_path: Path, sample_input: Path) -> None:
    warehouse = tmp_path / "out" / "case_audit.duckdb"
    done = run_cli("run", "--input", str(sample_input), "--warehouse", str(warehouse))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    out = done.stdout
    assert "Headline figures: MPS-NCPI-2016 (Metropolitan Police Service)" in out
    for line in (
        "cases_audited        374          374 100.0",
        "cases_not_good        278          374  74.3",
        "cases_referred_back         38          374  10.2",
        "missing_good          2           38   5.3",
        "custody_detained_after_charge         39           40  97.5",
    ):
        assert line.split() == next(
            lo.split() for lo in out.splitlines() if lo.split()[:1] == line.split()[:1]
        )
    assert out.count(" matches") == 8
    assert "278 out of 374 (more than 75%)" in out
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM case_audits").fetchone() == (374,)


def test_environment_is_used_when_no_flag(tmp_path: Path, sample_input: Path) -> None:
    warehouse = tmp_path / "env.duckdb"
    done = run_cli(
        "run",
        env={"CASE_AUDIT_INPUT_DIR": str(sample_input), "CASE_AUDIT_WAREHOUSE": str(warehouse)},
    )
    assert done.returncode == 0, done.stderr
    assert warehouse.exists()


def test_the_quick_exit_still_cleans_up(tmp_path: Path, sample_input: Path) -> None:
    """The command skips the interpreter's final garbage collection (`entry`): exit handlers
    must still run, so Dagster's temporary folders are gone and the output is complete."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    warehouse = tmp_path / "out" / "case_audit.duckdb"
    done = run_cli(
        "run",
        "--input",
        str(sample_input),
        "--warehouse",
        str(warehouse),
        env={"TMPDIR": str(scratch)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("(none)")  # the last section of the report
    assert list(scratch.iterdir()) == []


def test_run_with_missing_input_folder_is_a_clear_failure(tmp_path: Path) -> None:
    done = run_cli("run", "--input", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w"))
    assert done.returncode == 1
    assert "does not exist; give a folder there. Nothing was run." in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "w").exists()


def test_check_names_file_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write_csv(tmp_path / "bad.csv", [case(), case(case_ref="NW-0002", rating="superb")])
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path} row 3, column rating [rating_unknown]: Use one of:" in out
    assert "(value: 'superb')" in out
    assert "1 row(s) would be quarantined" in out
    assert list(tmp_path.iterdir()) == [path]  # check writes nothing beside what it checks


def test_check_passes_clean_sample(capsys: pytest.CaptureFixture) -> None:
    """Every shipped sample file (both frameworks) passes: nothing refused or quarantined."""
    folder = PROJECT_DIR / "data" / "incoming"
    assert main(["check", str(folder)]) == 0
    files = sum(1 for path in folder.iterdir() if path.suffix in {".csv", ".xlsx", ".parquet"})
    said = capsys.readouterr().out
    assert f"{files} file(s), " in said and "0 file(s) refused, 0 row(s) would be" in said


def test_check_reports_refused_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write_csv(tmp_path / "names.csv", [case()], [*case().keys(), "Surname"])
    assert main(["check", str(path)]) == 1
    assert "file refused [file_identifier_column]: column 'Surname'" in capsys.readouterr().out


def test_check_unknown_path_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["check", str(tmp_path / "x.csv")]) == 1
    assert "no such file or folder" in capsys.readouterr().err


def test_rules_prints_every_rule(capsys: pytest.CaptureFixture) -> None:
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in rules_of(catalogue().default):
        assert rule.code in out
        assert rule.message in out


def test_settings_flag_beats_environment_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.resolve().input_dir == PROJECT_DIR / "data" / "incoming"
    assert Settings.resolve().warehouse == PROJECT_DIR / "data/warehouse/case_audit.duckdb"
    monkeypatch.setenv("CASE_AUDIT_INPUT_DIR", "elsewhere/in")
    assert Settings.resolve().input_dir == PROJECT_DIR / "elsewhere" / "in"  # project-relative
    assert Settings.resolve(input_dir="/abs/in").input_dir == Path("/abs/in")
    monkeypatch.chdir("/")
    assert Settings.resolve().input_dir == PROJECT_DIR / "elsewhere" / "in"


def test_rules_of_a_framework_and_the_list_of_frameworks(capsys: pytest.CaptureFixture) -> None:
    mace = catalogue()["mace@2024"]
    assert main(["rules", "--framework", "MACE@2024"]) == 0  # case forgiven, as in a file
    out = capsys.readouterr().out
    assert out.startswith(f"Rules under mace@2024: {mace.title}")
    for rule in rules_of(mace):
        assert rule.code in out and rule.message in out
    assert "Use one of: good, adequate, inadequate." in out
    assert "custody_field_missing" not in out  # ncpi@2016's own rule
    assert main(["rules", "--frameworks"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listed] == [f.key for f in catalogue()]
    assert main(["rules", "--framework", "nope@1"]) == 1
    said = capsys.readouterr().err
    assert "'nope@1' is no known framework; known: ncpi@2016, mace@2024" in said


def test_check_quarantines_nothing_of_a_large_clean_file(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """200,000 valid synthetic rows, every one judged by its own outcomes (the framework's
    conditions were once handed back out of order on large chunks: custody and missing
    cases quarantined by the tens of thousands); and with 1% broken, only those."""
    from pipeline.synth import write

    clean = write(200_000, tmp_path / "clean" / "cases.csv")
    assert main(["check", str(clean)]) == 0
    assert "200000 row(s): 0 file(s) refused, 0 row(s) would be" in capsys.readouterr().out
    dirty = write(200_000, tmp_path / "dirty" / "cases.csv", error_rate=0.01)
    assert main(["check", str(dirty)]) == 1
    [quarantined] = [
        int(line.split("refused, ")[1].split(" row")[0])
        for line in capsys.readouterr().out.splitlines()
        if "would be quarantined" in line
    ]
    assert 0 < quarantined <= 200_000 * 0.01 * 1.2  # the broken rows, give or take chance
