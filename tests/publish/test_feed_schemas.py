"""Stable feeds: one Arrow type per column whatever the data (an empty feed included), each
column's type in the manifest, and page, manifest and warehouse citing the same run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline.defs.graph import run_graph
from pipeline.publish.feeds import FEEDS
from tests.conftest import SAMPLE_DIR
from tests.helpers import case, resource, write_csv

pytestmark = pytest.mark.slow  # two whole runs


def run(tmp_path, name: str, incoming) -> object:
    res = resource(tmp_path, incoming, name)
    assert dg.materialize(run_graph(), resources={"case_audit": res}).success
    return res


def schemas(folder) -> dict[str, object]:
    return {
        spec.name: pq.read_schema(folder / f"{spec.name}.parquet").remove_metadata()
        for spec in FEEDS
    }


def test_feed_schemas_are_the_same_empty_or_full(tmp_path) -> None:
    full = tmp_path / "full"
    shutil.copytree(SAMPLE_DIR, full)
    nearly_empty = tmp_path / "empty"  # one inspection, every row quarantined
    write_csv(
        nearly_empty / "bad.csv", [case(case_ref=f"B-{n}", rating="excellent") for n in range(3)]
    )
    full_feeds = run(tmp_path, "full_wh", full).feeds_dir
    empty_feeds = run(tmp_path, "empty_wh", nearly_empty).feeds_dir
    got_full, got_empty = schemas(Path(full_feeds)), schemas(Path(empty_feeds))
    assert pq.read_table(Path(empty_feeds) / "headline.parquet").num_rows == 0
    for name in got_full:
        assert got_empty[name] == got_full[name], name
        assert "null" not in str(got_empty[name]), name
    manifest = json.loads((Path(empty_feeds) / "manifest.json").read_text())
    for name, schema in got_empty.items():
        declared = manifest["files"][f"{name}.parquet"]["column_types"]
        assert declared == {f.name: str(f.type) for f in schema}, name


def test_page_manifest_and_warehouse_cite_one_run(tmp_path, sample_input) -> None:
    res = run(tmp_path, "wh", sample_input)
    feeds = Path(res.feeds_dir)
    (feeds / "ratings_by_area.parquet").unlink()  # a damaged feed: only the feeds are rebuilt
    assert dg.materialize(run_graph(), resources={"case_audit": res}).success
    manifest = json.loads((feeds / "manifest.json").read_text())
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        [(published_by,)] = conn.execute(
            "SELECT run_id FROM pipeline_runs WHERE status = 'success' "
            "ORDER BY finished_at DESC LIMIT 1"
        ).fetchall()
    assert manifest["source_run_id"] == published_by
    assert f"from run {published_by}" in (feeds / "dashboard.html").read_text()
