"""The staging engine's cache key: what must re-validate every staged file when it changes."""

from __future__ import annotations

import shutil

from pipeline.settings import PROJECT_DIR
from pipeline.validate import engine


def test_a_new_format_module_changes_the_rules_version(tmp_path, monkeypatch) -> None:
    for folder in ("schemas", "pipeline/ingest", "pipeline/validate", "sql"):
        shutil.copytree(PROJECT_DIR / folder, tmp_path / folder)
    monkeypatch.setattr(engine, "PROJECT_DIR", tmp_path)
    before = engine.rules_version()
    assert engine.rules_version() == before  # stable
    (tmp_path / "pipeline/ingest/formats/ods.py").write_text('SUFFIX = ".ods"\n')
    added = engine.rules_version()
    assert added != before
    (tmp_path / "pipeline/validate/step.py").write_text("# not a rule source\n")
    assert engine.rules_version() == added
