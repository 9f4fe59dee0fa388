from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.settings import PROJECT_DIR

SAMPLE_DIR = PROJECT_DIR / "data" / "incoming"
REFERENCE_DIR = PROJECT_DIR / "data" / "reference"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory) -> None:
    """No test sees the developer's CASE_AUDIT_* settings or DAGSTER_HOME (a CLI run would
    record itself there); a fixed pseudonym key; feeds go to
    a temporary folder unless a test says otherwise (never into the project's data/feeds)."""
    for name in list(os.environ):
        if name.startswith("CASE_AUDIT_") or name == "DAGSTER_HOME":
            monkeypatch.delenv(name)
    monkeypatch.setenv("CASE_AUDIT_PSEUDONYM_KEY", "test-pseudonym-key")
    monkeypatch.setenv("CASE_AUDIT_FEEDS_DIR", str(tmp_path_factory.mktemp("feeds")))


@pytest.fixture
def sample_input(tmp_path: Path) -> Path:
    """A private copy of the shipped sample, safe to add files to."""
    target = tmp_path / "incoming"
    shutil.copytree(SAMPLE_DIR, target)
    return target


# fixtures that run the whole pipeline: a test that uses one is a whole run, so slow (left out
# of `make test-fast`)
WHOLE_RUNS = frozenset(
    {"warehouse", "published", "corpus_run", "page_path", "many_path", "colliding_path"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if WHOLE_RUNS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
