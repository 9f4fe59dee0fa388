"""Settings: flags over the environment over defaults; where relative paths start from."""

from __future__ import annotations

import re

import pytest

from pipeline.cli import main
from pipeline.errors import CaseAuditError
from pipeline.settings import PROJECT_DIR, SETTINGS, Settings
from tests.conftest import SAMPLE_DIR


def test_relative_flags_start_from_the_current_directory(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CASE_AUDIT_REFERENCE_DIR", "elsewhere/reference")
    settings = Settings.resolve(input_dir="in", warehouse="out/w.duckdb")
    assert settings.input_dir == tmp_path / "in"
    assert settings.warehouse == tmp_path / "out" / "w.duckdb"
    # the environment and the defaults keep starting from the project folder
    assert settings.reference_dir == PROJECT_DIR / "elsewhere" / "reference"
    assert settings.key_file == PROJECT_DIR / "data" / "secrets" / "pseudonym.key"
    assert Settings.resolve(input_dir=str(tmp_path / "abs")).input_dir == tmp_path / "abs"


def test_a_flag_beats_the_environment(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CASE_AUDIT_INPUT_DIR", "from/environment")
    assert Settings.resolve(input_dir="from-flag").input_dir == tmp_path / "from-flag"
    assert Settings.resolve().input_dir == PROJECT_DIR / "from" / "environment"


# ---------------------------------------------------------------- every setting checked

README = PROJECT_DIR / "README.md"
NUMBERS = ["", "five", "-1", "1" + "0" * 30, "²", "٣"]  # empty, text, negative, huge, Unicode
WORDS = ["", "bogus", "-1", "x" * 5000, "²"]
# what each setting must refuse; a path holds any text a file name can (`-1` is one), so for
# paths the garbage is emptiness and a place of the wrong kind (`tests` below is a file there)
GARBAGE = {
    "input_dir": ["", "no/such/folder", "README.md"],
    "warehouse": ["", "docs"],
    "feeds_dir": ["", "README.md"],
    "reference_dir": ["", "no/such/folder", "README.md"],
    "frameworks_dir": ["", "no/such/folder", "README.md"],
    "key_file": ["", "docs"],
    "pseudonym_key": ["", "short", "²"],
    "suppression_threshold": [*NUMBERS, "0", "101"],
    "publish_to": ["", ",", "md:bad name!"],
    "retention_days": [*NUMBERS, "3651"],
    "dagster_run_days": [*NUMBERS, "0", "3651"],
    "duckdb_memory": ["", "lots", "-1GB", "0", "1KB", "99999999TB", "²GB", "1 GBs"],
    "duckdb_storage_version": ["", "latest", "-1", "v9.9.9", "v².0.0"],
    "quarantine_warn_percent": [*NUMBERS, "101", "nan", "inf"],
    "executor": WORDS,
    "run_mode": WORDS,
    "schedule_cron": ["", "bogus", "-1 * * * *", "61 * * * *", "² * * * *", "* * * *"],
    "schedule_timezone": ["", "Mars/Olympus", "-1", "²"],
    "sensor_interval_seconds": [*NUMBERS, "0"],
    "max_age_hours": [*NUMBERS, "0"],
    "alert_webhook": ["", "not an address", "ftp://example.org", "-1"],
    "dagster_home": ["", "relative/dagster", "-1", "²"],
}


def test_the_readme_documents_every_setting_and_only_those() -> None:
    documented = set(re.findall(r"`((?:CASE_AUDIT_[A-Z_]+)|DAGSTER_HOME)`", README.read_text()))
    assert documented == {entry.variable for entry in SETTINGS.values()}
    assert set(GARBAGE) == set(SETTINGS)  # a new setting needs its garbage here


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, values in GARBAGE.items() for value in values]
)
def test_garbage_in_any_setting_is_one_sentence_and_nothing_runs(
    tmp_path, monkeypatch, capsys, name: str, value: str
) -> None:
    monkeypatch.chdir(PROJECT_DIR)  # relative garbage (`docs`, `README.md`) names real places
    monkeypatch.setenv(SETTINGS[name].variable, value)
    warehouse, feeds = tmp_path / "w.duckdb", tmp_path / "feeds"
    flags = {"warehouse": ["--warehouse", str(warehouse)], "feeds_dir": ["--feeds", str(feeds)]}
    argv = ["run", "--quiet", "--input", str(SAMPLE_DIR)]
    for setting, flag in flags.items():
        argv += [] if setting == name else flag
    if name == "input_dir":
        argv = argv[:2] + argv[4:]
    assert main(argv) == 1
    said = capsys.readouterr().err.strip()
    assert said.startswith("case-audit: ") and "\n" not in said, said
    assert "Traceback" not in said and "Nothing was run." in said
    assert SETTINGS[name].variable in said or SETTINGS[name].flag in said
    assert not warehouse.exists() and not feeds.exists() and not list(tmp_path.iterdir())
    if SETTINGS[name].secret:
        assert value not in said.replace(SETTINGS[name].variable, "") or not value


@pytest.mark.parametrize("flag", ["--input", "--warehouse", "--feeds"])
def test_an_empty_flag_is_refused(tmp_path, capsys, flag: str) -> None:
    argv = ["run", "--quiet", "--input", str(SAMPLE_DIR), "--warehouse"]
    argv += [str(tmp_path / "w.duckdb"), flag, ""]
    assert main(argv) == 1
    assert f"{flag} is empty" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_a_broken_dagster_yaml_is_one_sentence(tmp_path, monkeypatch, capsys) -> None:
    home = tmp_path / "dagster"
    home.mkdir()
    (home / "dagster.yaml").write_text("run_coordinator: {module: [unclosed\n")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    argv = ["run", "--quiet", "--input", str(SAMPLE_DIR), "--warehouse", str(tmp_path / "w")]
    assert main(argv) == 1
    said = capsys.readouterr().err.strip()
    assert "dagster.yaml is not a Dagster instance configuration" in said and "\n" not in said
    assert not (tmp_path / "w").exists()


def test_the_code_location_refuses_a_bad_executor(monkeypatch) -> None:
    from pipeline.defs.definitions import executor_from_environment

    monkeypatch.setenv("CASE_AUDIT_EXECUTOR", "bogus")
    with pytest.raises(CaseAuditError, match="CASE_AUDIT_EXECUTOR must be one of in_process"):
        executor_from_environment()
