"""The libraries below the Dagster layer are a pipeline of their own: a test calls each step
in order, in plain Python, on the sample; the second time round nothing has changed and the
first step says so."""

from __future__ import annotations

import duckdb
import pytest

from pipeline.operations.currency import inventory_unless_current
from pipeline.operations.history import RunInfo
from pipeline.publish.steps import publish_dashboard, publish_dashboard_feeds, publish_warehouse
from pipeline.reconcile.checks import figures_reconcile
from pipeline.reconcile.tables import build_tables
from pipeline.storage.workspace import Workspace
from pipeline.validate.checks import rows_conserved
from pipeline.validate.step import validate_inputs
from tests.helpers import resource

pytestmark = pytest.mark.slow  # whole runs


def run_steps(workspace: Workspace, run_id: str) -> bool:
    """One run, step by step as the assets call them; False when there was nothing to do."""
    run = RunInfo(run_id=run_id, tags={"case_audit/trigger": "test"})
    if inventory_unless_current(workspace, run).current:
        return False
    validate_inputs(workspace)
    build_tables(workspace)
    with workspace.connect() as conn:
        assert rows_conserved(conn).passed
        assert figures_reconcile(conn).passed
    publish_warehouse(workspace, run)
    publish_dashboard_feeds(workspace, run_id)
    publish_dashboard(workspace)
    return True


def test_the_library_steps_run_the_pipeline_without_dagster(tmp_path, sample_input) -> None:
    workspace = resource(tmp_path, sample_input).workspace()
    workspace.lock()
    try:
        assert run_steps(workspace, "first")
        assert not run_steps(workspace, "second")  # same inputs, code and settings
    finally:
        workspace.release()
    with duckdb.connect(workspace.warehouse, read_only=True) as conn:
        runs = conn.execute("SELECT run_id, status FROM pipeline_runs ORDER BY run_id").fetchall()
        figure = conn.execute(
            "SELECT numerator, denominator FROM headline_figures "
            "WHERE inspection_id = 'MPS-NCPI-2016' AND metric = 'cases_not_good'"
        ).fetchone()
    assert runs == [("first", "success")]  # the unchanged run waits in the build's history
    assert figure == (278, 374)
