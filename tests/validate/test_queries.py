"""Queries: a second kind of rule that flags without holding back. Each query unit's
examples through the model data_queries (which `check` and a run share), and a whole run
into the warehouse table data_queries."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipeline.defs.graph import run_graph
from pipeline.validate.memory import validate_rows
from schemas.frameworks import catalogue
from schemas.rules import rules_of
from tests.helpers import (
    RUN_DATE,
    case,
    custody_case,
    resource,
    rows_frame,
    write_csv,
)

EXAMPLES = [
    (framework, rule, n, e)
    for framework in catalogue()
    for rule in rules_of(framework)
    if rule.level == "query"
    for n, e in enumerate(rule.examples)
]


def queried(rows: list[dict]) -> pd.DataFrame:
    """The queries over `rows`, by the model data_queries (a run's and `check`'s alike)."""
    return validate_rows(rows_frame(rows), RUN_DATE).queries


@pytest.mark.parametrize(
    ("framework", "rule", "n", "example"),
    EXAMPLES,
    ids=[f"{f.key}-{rule.code}-{n}" for f, rule, n, _ in EXAMPLES],
)
def test_each_query_example_flags_what_its_unit_says(framework, rule, n, example) -> None:
    found = queried(example.frame_rows(framework))
    mine = found[found["rule"].eq(rule.code)]
    pairs = mine[["source_row", "column_name"]].astype(object)
    flagged = {
        (None if pd.isna(row) else int(row) - 2, column)
        for row, column in pairs.itertuples(index=False)
    }
    assert flagged == set(example.blamed)
    assert (mine["message"] == rule.message).all()
    assert len(found) == len(mine)  # no other query fires on an example


@pytest.mark.slow
def test_queries_hold_nothing_back_and_reach_the_warehouse(tmp_path) -> None:
    rows = [custody_case(case_ref="C-1", la_accommodation_requested=None), case(case_ref="C-2")]
    path = write_csv(tmp_path / "incoming" / "q.csv", rows)
    res = resource(tmp_path, path.parent)
    assert dg.materialize(run_graph(), resources={"case_audit": res}).success
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        loaded = conn.execute("SELECT count(*) FROM case_audits").fetchone()[0]
        found = conn.execute("SELECT source_file, source_row, rule FROM data_queries").fetchall()
    assert loaded == 2  # a query keeps the row
    assert found == [("q.csv", 2, "query_custody_accommodation_unrecorded")]
