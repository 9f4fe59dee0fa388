"""The published warehouse explains itself: comments, generated dictionary, views, examples."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.settings import PROJECT_DIR
from pipeline.warehouse import dictionary
from pipeline.warehouse.catalogue import undocumented
from pipeline.warehouse.registry import macro_words, models
from tests.warehouse.conftest import query

EXAMPLES_DIR = PROJECT_DIR / "sql" / "examples"


def test_every_table_view_and_column_is_described(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        assert undocumented(conn) == []
        bare = conn.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' "
            "AND NOT internal AND (comment IS NULL OR comment = '')"
        ).fetchall()
        assert bare == []
        tables = conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE comment IS NULL UNION ALL "
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL"
        ).fetchall()
        assert tables == []
        macros = dict(
            conn.execute(
                "SELECT function_name, comment FROM duckdb_functions() WHERE function_type = "
                "'macro' AND schema_name = 'main' AND comment IS NOT NULL"
            ).fetchall()
        )
        assert set(macro_words()) <= set(macros)


def test_contract_columns_are_all_there(warehouse: Path) -> None:
    contract = {m.name: m.contract for m in models().values() if m.contract is not None}
    assert set(contract) == {  # the tables of the product contract: section 2, then 4.3
        *("case_audits", "rejected_rows", "file_loads", "headline_figures"),
        *("ratings_by_category", "ratings_by_area", "published_reconciliation", "claim_checks"),
        *("frameworks", "metrics", "rating_counts"),
    }
    for table, columns in contract.items():
        present = {
            c
            for (c,) in query(
                warehouse, f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{table}'"
            )
        }
        assert set(columns) <= present, table


def test_data_dictionary_is_generated_from_the_same_source() -> None:
    committed = (PROJECT_DIR / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == dictionary.render(), "docs/data-dictionary.md is stale: run make docs"
    for view in (m for m in models().values() if m.kind == "view"):
        assert f"### `{view.name}` (view)" in committed


def test_consumer_views_exist_with_stable_columns(warehouse: Path) -> None:
    for view in (m for m in models().values() if m.name.startswith("v_")):
        columns = [
            c
            for (c,) in query(
                warehouse,
                "SELECT column_name FROM duckdb_columns() "
                f"WHERE table_name = '{view.name}' "
                "ORDER BY column_index",
            )
        ]
        assert columns == [c.name for c in view.columns], view.name


def test_trends_compare_inspections_of_the_same_force(warehouse: Path) -> None:
    rows = query(
        warehouse,
        "SELECT inspection_id, previous_inspection_id, pct, previous_pct, "
        "change_pct_points, change_ci_low, change_ci_high, change_verdict "
        "FROM v_trends "
        "WHERE metric = 'cases_not_good' AND force = 'Northwold "
        "Constabulary' ORDER BY inspection_date",
    )
    # 2024: 15 of 20 not good (75%); 2025: 5 of 20 valid not good (25%)
    assert rows[0] == ("NWC-2024", None, 75.0, None, None, None, None, None)
    assert rows[1][:5] == ("NWC-2025", "NWC-2024", 25.0, 75.0, -50.0)
    # Newcombe's interval of 5/20 - 15/20 (statsmodels: -0.6954, -0.1907): a fall
    assert rows[1][5:] == (-69.5, -19.1, "fell")
    mps = query(
        warehouse,
        "SELECT count(*) FROM v_trends WHERE previous_inspection_id IS NOT "
        "NULL AND inspection_id = 'MPS-NCPI-2016'",
    )
    assert mps == [(0,)]


def test_self_assessment_kappa_by_hand(warehouse: Path) -> None:
    # NWC-2025: force acceptable (adequate) on odd n (10 cases), inspection good n < 15.
    # agree: n<15 odd (7) + n>=15 even (15,16,...,19 -> 16, 18: 2... even n in 15..19 = 16, 18)
    [(cases, agreeing, kappa)] = query(
        warehouse,
        "SELECT cases, cases_agreeing, kappa FROM v_self_assessment WHERE inspection_id = "
        "'NWC-2025'",
    )
    observed = (7 + 2) / 20
    expected = (10 / 20) * (15 / 20) + (10 / 20) * (5 / 20)
    assert (cases, agreeing) == (20, 9)
    assert kappa == round((observed - expected) / (1 - expected), 3)


def test_quarantine_summary_for_providers(warehouse: Path) -> None:
    assert query(
        warehouse, "SELECT source_file, rule, column_name, rows, first_rows FROM quarantine_summary"
    ) == [("nwc_2025.csv", "rating_unknown", "rating", 1, "22")]


EXAMPLES = sorted((EXAMPLES_DIR).glob("*.sql"))
EXPECTED = {
    "01_not_good_by_category.sql": lambda rows: (
        len([r for r in rows if r[0] == "MPS-NCPI-2016"]) == 8
        and sum(r[2] for r in rows if r[0] == "MPS-NCPI-2016") == 374
        and rows[0][1] == "missing_absent"  # 36 of 38 not good: the worst category
    ),
    "02_missing_children.sql": lambda rows: (
        sum(r[2] for r in rows) == 38 and sum(r[3] for r in rows) == 2
    ),
    "03_custody_outcomes.sql": lambda rows: rows == [("MPS-NCPI-2016", 40, 40, 39, 39, rows[0][5])],
    "04_self_assessment_crosstab.sql": lambda rows: (
        sum(sum(v or 0 for v in r[2:5]) for r in rows if r[0] == "MPS-NCPI-2016") == 132
        and next(r[1] for r in rows if r[0] == "MPS-NCPI-2016") == "good"
    ),
    "05_when_did_figures_change.sql": lambda rows: (
        len(rows) == 1 and "added: mps_ncpi_2016_part1.csv" in rows[0][3]
    ),
    "06_rows_to_fix_for_a_provider.sql": lambda rows: (
        [r[:5] for r in rows] == [("nwc_2025.csv", 22, "B-999", "rating", "rating_unknown")]
    ),
    "07_worst_areas_for_missing_children.sql": lambda rows: (
        sum(r[2] for r in rows if r[0] == "MPS-NCPI-2016") == 38
        and all(r[7] == (r[2] < 10) for r in rows)
        and all(r[3] <= r[2] and r[5] <= r[4] <= r[6] for r in rows)
    ),
    "08_cases_behind_a_figure.sql": lambda rows: (
        len(rows) == 38
        and [r[3] for r in rows].count(True) == 2
        and all(len(r[0]) == 64 and r[1] == "missing_absent" for r in rows)
    ),
}


def test_every_example_is_tested() -> None:
    assert [p.name for p in EXAMPLES] == sorted(EXPECTED)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_query(example: Path, warehouse: Path) -> None:
    rows = query(warehouse, example.read_text(encoding="utf-8"))
    assert rows, example.name
    assert EXPECTED[example.name](rows), rows
