from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from pipeline.sample_data import CSV_NAME, XLSX_NAME
from pipeline.settings import PROJECT_DIR

SHIPPED_DIR = PROJECT_DIR / "data" / "incoming"  # the shipped sample: both frameworks
REFERENCE_DIR = PROJECT_DIR / "data" / "reference"


def _ncpi_sample() -> Path:
    """The shipped sample's ncpi@2016 inspection alone (MPS-NCPI-2016, the published
    figures), copied once per test process to a folder removed at exit: what most tests
    run on. Tests of frameworks side by side use SHIPPED_DIR."""
    folder = Path(tempfile.mkdtemp(prefix="case-audit-sample-"))
    atexit.register(shutil.rmtree, folder, True)
    for name in (CSV_NAME, XLSX_NAME):
        shutil.copy2(SHIPPED_DIR / name, folder / name)
    return folder


SAMPLE_DIR = _ncpi_sample()


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
