"""Settings: flags over the environment over defaults; where relative paths start from."""

from __future__ import annotations

from pipeline.settings import PROJECT_DIR, Settings


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
