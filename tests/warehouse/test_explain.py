"""Every figure traced to its cases: metric_cases recomputes headline_figures exactly, and
`case-audit explain` lists the cases behind a figure (case keys, never a case_ref)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.cli import main
from schemas.frameworks import catalogue
from tests.warehouse.conftest import query


def metrics() -> tuple:
    """The metrics of the sample's framework (the default, ncpi@2016)."""
    return catalogue().default.metrics


def test_metric_cases_recompute_every_headline_figure(warehouse: Path) -> None:
    """Counted afresh from the case-level view, every published figure comes out the same,
    and every case is traced once per metric."""
    differing = query(
        warehouse,
        """
        SELECT h.inspection_id, h.metric, h.numerator, h.denominator, m.numerator, m.denominator
        FROM headline_figures AS h
        FULL JOIN (SELECT inspection_id, metric,
                          count(*) FILTER (WHERE in_numerator) AS numerator,
                          count(*) FILTER (WHERE in_denominator) AS denominator,
                          count(*) FILTER (WHERE in_numerator AND NOT in_denominator) AS outside
                   FROM metric_cases GROUP BY ALL) AS m USING (inspection_id, metric)
        WHERE h.numerator IS DISTINCT FROM m.numerator
           OR h.denominator IS DISTINCT FROM m.denominator OR m.outside > 0""",
    )
    assert differing == []
    per_case = query(
        warehouse,
        "SELECT count(*), count(DISTINCT (inspection_id, metric, case_key)) FROM metric_cases",
    )
    cases = query(warehouse, "SELECT count(*) FROM case_audits")[0][0]
    assert per_case[0] == (cases * len(metrics()), cases * len(metrics()))
    found = [m for (m,) in query(warehouse, "SELECT DISTINCT metric FROM headline_figures")]
    assert sorted(found) == sorted(m.name for m in metrics())


def test_explain_lists_the_cases_behind_a_figure(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", "MPS-NCPI-2016", "missing_good", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    assert "MPS-NCPI-2016 (Metropolitan Police Service): missing_good" in out
    assert "2 of 38 (5.3%), as in headline_figures (2 of 38)" in out
    assert "Cases counted (numerator and denominator): 2" in out
    assert "Cases in the denominator only: 36" in out
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        counted = conn.execute(
            "SELECT case_key, area FROM case_audits WHERE inspection_id = "
            "'MPS-NCPI-2016' AND category = 'missing_absent' AND rating = "
            "'good'"
        ).fetchall()
        references = conn.execute("SELECT case_ref FROM rejected_rows").fetchall()
    assert len(counted) == 2
    for key, area in counted:
        assert f"{key} missing_absent" in out and area in out
    assert all(str(ref) not in out for (ref,) in references if ref)
    by_area = out.split("By area")[1].split("Cases counted")[0]
    assert sum(int(line.split()[-2]) for line in by_area.splitlines()[2:] if line.strip()) == 2


def test_explain_counts_by_category_add_up(
    warehouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", "MPS-NCPI-2016", "cse_not_good", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    by_category = out.split("By category")[1].split("By area")[0].splitlines()[2:]
    rows = {
        line.split()[0]: (int(line.split()[1]), int(line.split()[2]))
        for line in by_category
        if line.strip()
    }
    assert set(rows) <= {"cse", "online_cse"} and rows
    figure = query(
        warehouse,
        "SELECT numerator, denominator FROM headline_figures WHERE "
        "inspection_id = 'MPS-NCPI-2016' AND metric = 'cse_not_good'",
    )
    summed = (sum(n for n, _ in rows.values()), sum(d for _, d in rows.values()))
    assert [summed] == figure


@pytest.mark.parametrize(
    "args, said",
    [
        (["NO-SUCH", "cases_not_good"], "no inspection 'NO-SUCH' in the warehouse; it holds MPS-"),
        (["MPS-NCPI-2016", "nonsense"], "no headline metric 'nonsense'; the metrics are cases_"),
    ],
)
def test_explain_says_what_exists(
    warehouse: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    assert main(["explain", *args, "--warehouse", str(warehouse)]) == 1
    captured = capsys.readouterr()
    assert said in captured.err and "Traceback" not in captured.err


def test_explain_without_a_warehouse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.duckdb"
    assert main(["explain", "X", "cases_not_good", "--warehouse", str(missing)]) == 1
    assert f"no warehouse at {missing}" in capsys.readouterr().err
