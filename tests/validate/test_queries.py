"""Queries: a second kind of rule that flags without holding back. Each query unit's
examples on both paths: the check's (rows in memory) and the run's (typed rows as assembled,
the same SQL), and through a whole run into the warehouse table data_queries."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd
import pytest

from pipeline.defs.graph import ASSETS, CHECKS
from pipeline.validate.quarantine import validate_rows
from pipeline.validate.queries import QUERY_COLUMNS, build_queries
from schemas.case_audit import QUERY_RULES
from tests.helpers import (
    RUN_DATE,
    case,
    custody_case,
    resource,
    rows_frame,
    validate_in_duckdb,
    write_csv,
)

EXAMPLES = [(rule, n, e) for rule in QUERY_RULES for n, e in enumerate(rule.examples)]


def queried(rows: list[dict], path: str):
    frame = rows_frame(rows)
    if path == "check":
        return validate_rows(frame, RUN_DATE).queries
    valid, _ = validate_in_duckdb(frame, RUN_DATE)  # typed, as the build assembles them
    with duckdb.connect() as conn:
        conn.register("case_audits", valid)
        build_queries(conn)
        return conn.execute("SELECT * FROM data_queries").df()[QUERY_COLUMNS]


@pytest.mark.parametrize("path", ["check", "run"])
@pytest.mark.parametrize(("rule", "n", "example"), EXAMPLES,
                         ids=[f"{rule.code}-{n}" for rule, n, _ in EXAMPLES])  # fmt: skip
def test_each_query_example_flags_what_its_unit_says(rule, n, example, path) -> None:
    found = queried(example.frame_rows(), path)
    mine = found[found["rule"].eq(rule.code)]
    pairs = mine[["source_row", "column_name"]].astype(object)
    flagged = {(None if pd.isna(row) else int(row) - 2, column)
               for row, column in pairs.itertuples(index=False)}  # fmt: skip
    assert flagged == set(example.blamed)
    assert (mine["message"] == rule.message).all()
    assert len(found) == len(mine)  # no other query fires on an example


def test_queries_hold_nothing_back_and_reach_the_warehouse(tmp_path) -> None:
    rows = [custody_case(case_ref="C-1", la_accommodation_requested=None),
            case(case_ref="C-2")]  # fmt: skip
    path = write_csv(tmp_path / "incoming" / "q.csv", rows)
    res = resource(tmp_path, path.parent)
    assert dg.materialize([*ASSETS, *CHECKS], resources={"case_audit": res}).success
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        loaded = conn.execute("SELECT count(*) FROM case_audits").fetchone()[0]
        found = conn.execute("SELECT source_file, source_row, rule FROM data_queries").fetchall()
    assert loaded == 2  # a query keeps the row
    assert found == [("q.csv", 2, "query_custody_accommodation_unrecorded")]
