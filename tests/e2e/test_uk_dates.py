"""UK dates: `DD/MM/YYYY` (and `D/M/YYYY`) in text cells are read day first, as forces'
spreadsheets write them; the load report says how many; anything else non-ISO is refused
with a message that names the forms accepted."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import pytest

from pipeline.defs.graph import run_graph
from pipeline.validate.report import check_paths
from tests.helpers import RUN_DATE, case, resource, write_csv


def provider_file(folder):
    rows = [
        case(case_ref="UK-1", audit_date="03/02/2019"),
        case(case_ref="UK-2", audit_date="3/2/2019"),
        case(case_ref="UK-3", audit_date="2019-02-03"),
        case(case_ref="UK-4", audit_date="Feb 3 2019"),
    ]
    return write_csv(folder / "uk.csv", rows)


@pytest.mark.slow
def test_uk_dates_load_as_the_day_they_name_and_are_counted(tmp_path) -> None:
    path = provider_file(tmp_path / "incoming")
    res = resource(tmp_path, path.parent)
    assert dg.materialize(run_graph(), resources={"case_audit": res}).success
    with duckdb.connect(res.warehouse, read_only=True) as conn:
        dates = conn.execute("SELECT DISTINCT audit_date FROM case_audits").fetchall()
        [(message,)] = conn.execute("SELECT message FROM file_loads").fetchall()
        [(rule, said, value)] = conn.execute(
            "SELECT rule, message, value FROM rejected_rows"
        ).fetchall()
    assert dates == [(dt.date(2019, 2, 3),)]  # 3 February, not 2 March
    assert "2 date(s) written DD/MM/YYYY were read day first" in message
    assert (rule, value) == ("audit_date_invalid", "Feb 3 2019")  # the cell as written
    assert "YYYY-MM-DD" in said and "DD/MM/YYYY" in said and "Excel date cell" in said


def test_check_says_the_same(tmp_path) -> None:
    path = provider_file(tmp_path)
    report = check_paths([path], today=RUN_DATE)
    assert report.rejected_rows == 1
    assert any(
        "uk.csv: 2 date(s) written DD/MM/YYYY were read day first" in line for line in report.lines
    )
