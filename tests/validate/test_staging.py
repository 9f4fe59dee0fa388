"""The staging's cache key: what must stage every file again when it changes (the rules and
what reads and judges rows), and what must not (the rest of validation, publishing)."""

from __future__ import annotations

import shutil

from pipeline.settings import PROJECT_DIR
from pipeline.storage import build_state
from pipeline.validate.staging import rules_version


def test_a_new_format_module_changes_the_rules_version(tmp_path, monkeypatch) -> None:
    for folder in ("schemas", "pipeline/ingest", "pipeline/validate", "pipeline/publish"):
        shutil.copytree(PROJECT_DIR / folder, tmp_path / folder)
    monkeypatch.setattr(build_state, "PROJECT_DIR", tmp_path)
    before = rules_version()
    assert rules_version() == before  # stable
    (tmp_path / "pipeline/ingest/formats/ods.py").write_text('SUFFIX = ".ods"\n')
    added = rules_version()
    assert added != before
    (tmp_path / "pipeline/validate/step.py").write_text("# not a rule source\n")
    (tmp_path / "pipeline/publish/templates/dashboard.html.j2").write_text("<p>edited</p>\n")
    assert rules_version() == added
