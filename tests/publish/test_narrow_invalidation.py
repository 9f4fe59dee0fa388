"""A step's cache depends on the code that step runs: editing the dashboard's template redoes
the page alone, editing a feed's view redoes publishing alone; no file is read again and no
table is built again. The edits are made in a copy of the project's code, which the run is
pointed at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.operations.currency import inventory_unless_current
from pipeline.operations.history import RunInfo
from pipeline.publish import dashboard
from pipeline.publish.steps import publish_dashboard, publish_dashboard_feeds, publish_warehouse
from pipeline.reconcile.tables import build_tables
from pipeline.settings import PROJECT_DIR
from pipeline.storage import build_state
from pipeline.validate.step import validate_inputs
from pipeline.warehouse import registry
from tests.helpers import resource

pytestmark = pytest.mark.slow  # whole runs


def run_steps(workspace: object, run_id: str) -> dict[str, object]:
    """One run, step by step, and what each step did."""
    run = RunInfo(run_id=run_id, tags={"case_audit/trigger": "test"})
    if inventory_unless_current(workspace, run).current:
        return {"current": True}
    validated = validate_inputs(workspace)
    built = build_tables(workspace)
    warehouse = publish_warehouse(workspace, run).republished
    _, feeds = publish_dashboard_feeds(workspace, run_id)
    _, page, path = publish_dashboard(workspace)
    return {
        "files read": validated.staging.files_staged,
        "validation": validated.assembly,
        "tables built": built,
        "warehouse": warehouse,
        "feeds": feeds,
        "page": page,
        "html": path.read_text(encoding="utf-8"),
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's code that the run reads its code from."""
    copy = tmp_path / "project"
    for folder in ("pipeline", "schemas"):
        shutil.copytree(
            PROJECT_DIR / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    monkeypatch.setattr(build_state, "PROJECT_DIR", copy)
    monkeypatch.setattr(dashboard, "TEMPLATES", copy / "pipeline" / "publish" / "templates")
    monkeypatch.setattr(registry, "PACKAGE", copy / "pipeline")
    registry._models.cache_clear()
    yield copy
    registry._models.cache_clear()


@pytest.fixture
def workspace(tmp_path: Path, sample_input: Path, project: Path):
    workspace = resource(tmp_path, sample_input).workspace()
    workspace.lock()
    first = run_steps(workspace, "first")
    assert first["files read"] == 2 and first["tables built"]
    assert run_steps(workspace, "same") == {"current": True}
    yield workspace
    workspace.release()


def test_editing_the_template_redoes_the_page_alone(workspace, project: Path) -> None:
    template = project / "pipeline" / "publish" / "templates" / "dashboard.html.j2"
    template.write_text(template.read_text().replace("<main>", "<main><p>Edited.</p>", 1))
    done = run_steps(workspace, "edited template")
    assert (done["files read"], done["validation"], done["tables built"]) == (0, "kept", [])
    assert (done["warehouse"], done["feeds"], done["page"]) == (False, False, True)
    assert "<p>Edited.</p>" in done["html"]


def test_editing_a_feed_view_redoes_publishing_alone(workspace, project: Path) -> None:
    view = project / "pipeline" / "publish" / "models" / "v_headline.sql"
    view.write_text(
        view.read_text().replace("FROM headline_figures", "FROM headline_figures\n-- edited", 1)
    )
    registry._models.cache_clear()
    done = run_steps(workspace, "edited view")
    assert (done["files read"], done["validation"], done["tables built"]) == (0, "kept", [])
    assert (done["warehouse"], done["feeds"], done["page"]) == (True, True, True)
