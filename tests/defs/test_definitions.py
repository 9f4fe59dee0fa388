"""The code location that `dagster dev -w workspace.yaml` loads."""

from __future__ import annotations

import importlib
import subprocess
import sys

import dagster as dg
import pytest
import yaml

from pipeline.settings import PROJECT_DIR

PARTITION_GROUPS = {
    "inspection/input_files": "partitions",
    "inspection/validated_rows": "partitions",
    "inspection/tables": "partitions",
    "inspection/warehouse": "partitions",
    "partitioned_warehouse": "partitions",
}
EXPECTED_GROUPS = {
    "input_files": "ingest",
    "validated_rows": "validate",
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
    "figure_digests": "reconcile",
    "figure_receipts": "reconcile",
    "trends": "warehouse",
    "self_assessment_agreement": "warehouse",
    "self_assessment_kappa": "warehouse",
    "quarantine_summary": "warehouse",
    "rating_counts": "warehouse",
    "rating_groups": "warehouse",
    "level_counts": "warehouse",
    "frameworks": "warehouse",
    "framework_codes": "warehouse",
    "metrics": "warehouse",
    "metric_cases": "warehouse",
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
    defs: dg.Definitions = module.defs()  # made when asked for: importing did no I/O
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
        "rows_conserved",
        "figures_reconcile",
        "freshness_check",
        "no_file_refused",
        "quarantine_rate",
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
    assert parents["validated_rows"] == {"input_files"}
    assert parents["case_audits"] == {"validated_rows"}
    assert parents["headline_figures"] == {"metric_cases"}
    assert parents["published_reconciliation"] == {"headline_figures"}
    assert "published_reconciliation" in parents["published_warehouse"]


def test_the_lineage_dagster_shows_is_the_lineage_the_sql_reads() -> None:
    """Every table asset's parents are exactly the relations its SQL reads (DuckDB's parser
    on its model file), validated_rows standing for the staging database."""
    from pipeline.defs.definitions import defs
    from pipeline.reconcile.tables import table_models

    graph = defs().resolve_asset_graph()
    for model in table_models():
        read = {r for r in model.reads if not r.startswith("staging.")}
        if len(read) < len(model.reads):
            read.add("validated_rows")
        assert parents_of(graph, model.name) == read, model.name
    published = parents_of(graph, "published_warehouse")
    assert published == {m.name for m in table_models()}


@pytest.mark.slow
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
    from pipeline.reconcile.tables import table_models

    graph = defs().resolve_asset_graph()
    for model in table_models():
        schema = graph.get(dg.AssetKey(model.name)).metadata["dagster/column_schema"]
        columns = {c.name: (c.type, c.description) for c in schema.columns}
        assert list(columns) == [c.name for c in model.columns], model.name
        assert [t for t, _ in columns.values()] == [c.type for c in model.columns]
        assert all(words for _, words in columns.values()), f"{model.name}: a column unsaid"


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
        s.name for s in defs.sensors
    }
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
