"""The code location that `dagster dev -w workspace.yaml` loads."""

from __future__ import annotations

import importlib
import subprocess
import sys

import dagster as dg
import yaml

from pipeline.settings import PROJECT_DIR

PARTITION_GROUPS = {
    "inspection/case_files": "partitions",
    "inspection/cases": "partitions",
    "inspection/tables": "partitions",
    "inspection/warehouse": "partitions",
    "partitioned_warehouse": "partitions",
}
EXPECTED_GROUPS = {
    "case_files": "ingest",
    "case_audits": "validate",
    "rejected_rows": "validate",
    "file_loads": "validate",
    "data_queries": "validate",
    "ratings_by_category": "warehouse",
    "inspections": "warehouse",
    "ratings_by_area": "warehouse",
    "ratings_by_area_category": "warehouse",
    "headline_figures": "warehouse",
    "published_reconciliation": "reconcile",
    "claim_checks": "reconcile",
    "trends": "warehouse",
    "self_assessment_agreement": "warehouse",
    "self_assessment_kappa": "warehouse",
    "quarantine_summary": "warehouse",
    "published_warehouse": "publish",
    "dashboard_feeds": "publish",
    "dashboard": "publish",
}


def workspace_module() -> str:
    workspace = yaml.safe_load((PROJECT_DIR / "workspace.yaml").read_text())
    return workspace["load_from"][0]["python_module"]["module_name"]


def parents_of(graph: dg.AssetGraph, name: str) -> set[str]:
    return {p.to_user_string() for p in graph.get(dg.AssetKey(name)).parent_keys}


def test_definitions_load_from_the_workspace_module() -> None:
    module = importlib.import_module(workspace_module())
    defs: dg.Definitions = module.defs
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups == EXPECTED_GROUPS
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description, key
        assert node.owners == ["team:case-audit"], key
        assert node.kinds, key
    checks = {key.name for key in graph.asset_check_keys}
    assert checks == {
        "file_loads_rows_conserved",
        "published_figures_reconcile",
        "freshness_check",
        "file_loads_no_file_refused",
        "file_loads_quarantine_rate",
    }
    assert {s.name for s in defs.schedules} == {"nightly_case_audit"}
    assert {s.name for s in defs.sensors} == {
        "input_folder_sensor",
        "failure_alerts",
        "warehouse_freshness_sensor",
    }
    assert [job.name for job in defs.jobs] == ["case_audit_job"]
    # the graph reads ingest -> validate -> warehouse -> reconcile -> publish
    parents = {
        k.to_user_string(): {p.to_user_string() for p in graph.get(k).parent_keys}
        for k in graph.get_all_asset_keys()
    }
    assert parents["case_audits"] == {"case_files"}
    assert parents["headline_figures"] == {"case_audits"}
    assert parents["published_reconciliation"] == {"headline_figures"}
    assert "published_reconciliation" in parents["published_warehouse"]


def test_dagster_cli_validates_the_workspace() -> None:
    dagster = PROJECT_DIR / ".venv" / "bin" / "dagster"
    command = [str(dagster)] if dagster.exists() else [sys.executable, "-m", "dagster"]
    done = subprocess.run(
        [*command, "definitions", "validate", "-w", "workspace.yaml"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_resource_configures_exactly_a_workspace() -> None:
    """Dagster's configuration of a run (the resource's fields) is a Workspace's fields, so a
    workspace round-trips through the resource unchanged."""
    from pipeline.defs.resources import WORKSPACE_FIELDS, CaseAuditPaths
    from pipeline.storage.workspace import Workspace

    assert set(CaseAuditPaths.model_fields) == set(WORKSPACE_FIELDS)
    workspace = Workspace("in", "w.duckdb", "ref", "key", "feeds", 7, "md:x", "2026-01-02")
    assert CaseAuditPaths.from_workspace(workspace).workspace() == workspace


def test_every_table_asset_describes_its_columns_before_any_run() -> None:
    """The catalogue explains each table from its definition (the registry's columns and
    meanings), not only once a run has materialised it."""
    from pipeline.defs.definitions import defs
    from schemas.warehouse import TABLES

    graph = defs.resolve_asset_graph()
    for table in TABLES:
        if table.step == "published_warehouse":
            continue  # pipeline_runs: the history, in the published_warehouse asset
        schema = graph.get(dg.AssetKey(table.name)).metadata["dagster/column_schema"]
        columns = {c.name: c.description for c in schema.columns}
        assert list(columns) == [name for name, _, _ in table.columns], table.name
        assert all(columns.values()), f"{table.name}: a column without a description"


def test_the_partitioned_mode_loads_its_own_definitions_only_in_that_mode(monkeypatch) -> None:
    from pipeline.defs.definitions import build_definitions
    from pipeline.defs.resources import CaseAuditResource
    from pipeline.operations.automation import AutomationSettings
    from pipeline.settings import Settings

    resource = CaseAuditResource.from_settings(Settings.resolve())
    values = AutomationSettings.from_environment().__dict__
    defs = build_definitions(resource, AutomationSettings(**{**values, "run_mode": "partitioned"}))
    graph = defs.resolve_asset_graph()
    groups = {key.to_user_string(): graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups == {**EXPECTED_GROUPS, **PARTITION_GROUPS}
    assert {s.name for s in defs.schedules} == {"nightly_case_audit", "nightly_inspections"}
    assert {"inspection_folders_sensor", "merge_after_inspection_runs"} <= {
        s.name for s in defs.sensors}  # fmt: skip
    for job in ("case_audit_job", "inspection_job", "partitioned_merge_job"):
        assert defs.resolve_job_def(job) is not None
    assert parents_of(graph, "partitioned_warehouse") == {"inspection/warehouse"}
    # the whole-folder job never selects a partitioned asset
    whole = defs.resolve_job_def("case_audit_job").asset_layer.selected_asset_keys
    assert not {k.to_user_string() for k in whole} & set(PARTITION_GROUPS)


def test_a_deployment_gets_the_webserver_from_the_ops_extra() -> None:
    import tomllib

    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert any(d.startswith("dagster-webserver") for d in extras["ops"])
    assert "case-audit[ops]" in extras["dev"]
    assert not any(d.startswith("dagster-webserver") for d in extras["dev"])  # stated once
