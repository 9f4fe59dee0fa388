"""Data quality visible in Dagster: warning checks for refused files and for files with too
many rows quarantined, numbers the UI plots across runs, and a warning line per file."""

from __future__ import annotations

import logging

import dagster as dg
import pytest

from pipeline.defs.graph import run_graph
from tests.helpers import case, resource, write_csv

pytestmark = pytest.mark.slow  # whole runs


def quality_run(tmp_path, monkeypatch, limit: str | None = None) -> tuple:
    """(the run's result, its WARNING log lines)."""
    incoming = tmp_path / "incoming"
    good = [case(case_ref=f"G-{n}") for n in range(20)]
    write_csv(incoming / "good.csv", good)
    poor = [case(inspection_id="NWC-2026", case_ref=f"P-{n}") for n in range(16)]
    for row in poor[:14]:
        row["rating"] = "excellent"  # quarantined: 14 of 16
    write_csv(incoming / "poor.csv", poor)
    write_csv(
        incoming / "names.csv",
        [case(case_ref="N-1") | {"child_name": "x"}],
        [*case(), "child_name"],
    )
    if limit is not None:
        monkeypatch.setenv("CASE_AUDIT_QUARANTINE_WARN_PERCENT", limit)
    res = resource(tmp_path, incoming)
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            run_graph(), resources={"case_audit": res}, instance=instance, raise_on_error=False
        )
        warnings = [
            entry.user_message
            for entry in instance.all_logs(result.run_id)
            if entry.level == logging.WARNING
        ]
    return result, warnings


def evaluations(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        e.event_specific_data.check_name: e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }


def test_refused_files_and_quarantine_show_as_warnings(tmp_path, monkeypatch) -> None:
    result, warnings = quality_run(tmp_path, monkeypatch)
    assert result.success  # warnings never fail the run
    checks = evaluations(result)
    refused, rate = checks["no_file_refused"], checks["quarantine_rate"]
    assert (refused.passed, refused.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert "names.csv [file_identifier_column]" in refused.description
    assert (rate.passed, rate.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert "poor.csv: 14 of 16 rows (87.5%)" in rate.description
    assert "good.csv" not in rate.description
    assert checks["rows_conserved"].passed

    [loads] = [
        m
        for m in result.asset_materializations_for_node("warehouse_tables")
        if m.asset_key.to_user_string() == "file_loads"
    ]
    figures = {
        k: loads.metadata[k].value
        for k in ("rows_read", "rows_quarantined", "files_refused", "quarantine_rate")
    }
    assert figures == {
        "rows_read": 36,
        "rows_quarantined": 14,
        "files_refused": 1,
        "quarantine_rate": round(14 / 36, 4),
    }

    # one warning line per refused file and per file over the limit
    assert sum("names.csv: refused [file_identifier_column]" in w for w in warnings) == 1
    assert sum("poor.csv: 14 of 16 rows quarantined (87.5%, above 5%)" in w for w in warnings) == 1
    assert not any("good.csv" in w for w in warnings)


def test_the_limit_is_configurable(tmp_path, monkeypatch) -> None:
    result, warnings = quality_run(tmp_path, monkeypatch, limit="90")
    assert evaluations(result)["quarantine_rate"].passed
    assert not any("poor.csv" in w for w in warnings)
