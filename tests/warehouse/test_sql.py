"""The sql/ files on small hand-made case sets, against hand-computed expectations."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.storage.models import materialize
from pipeline.warehouse.registry import models
from tests.helpers import case, custody_case, missing_case, rows_frame, tables_in_memory

# Force A, inspection A-1 (8 cases):
#   missing_absent: good, inadequate              custody: good(charged/refused/detained),
#   cse: requires_improvement (referred back)              requires_improvement (bailed)
#   online_cse: good                              domestic_abuse: inadequate (referred back)
#   police_protection: requires_improvement, area not recorded
# self-assessed: 4 cases (force good, adequate, inadequate, good) of which inspection not good: 2
#   and force good or adequate: 3
# Force B, inspection B-1 (1 case): cse inadequate.
CASES = [
    missing_case(case_ref="A01", rating="good", force_rating="good", area="North"),
    missing_case(case_ref="A02", rating="inadequate", force_rating="adequate", area="North"),
    custody_case(case_ref="A03", rating="good", area="South"),
    custody_case(
        case_ref="A04",
        rating="requires_improvement",
        bail_refused="no",
        detained_until_court="no",
        area="South",
    ),
    case(
        case_ref="A05",
        category="cse",
        rating="requires_improvement",
        referred_back="yes",
        force_rating="inadequate",
        area="South",
    ),
    case(case_ref="A06", category="online_cse", rating="good", force_rating="good", area="North"),
    case(
        case_ref="A07",
        category="domestic_abuse",
        rating="inadequate",
        referred_back="yes",
        area="North",
    ),
    case(case_ref="A08", category="police_protection", rating="requires_improvement", area=None),
    case(
        case_ref="B01",
        inspection_id="B-1",
        force="Force B",
        category="cse",
        rating="inadequate",
        area="East",
    ),
]
for row in CASES:
    row.setdefault("inspection_id", "A-1")
    if row["inspection_id"] == "NWC-CP-2025":
        row.update(inspection_id="A-1", force="Force A")


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    with tables_in_memory(rows_frame(CASES)) as con:
        yield con


def figures(conn: duckdb.DuckDBPyConnection, inspection: str) -> dict[str, tuple]:
    rows = conn.execute(
        "SELECT metric, numerator, denominator, pct FROM headline_figures "
        "WHERE inspection_id = ? ORDER BY metric_order",
        [inspection],
    ).fetchall()
    return {metric: (n, d, pct) for metric, n, d, pct in rows}


def test_case_audits_typed(conn: duckdb.DuckDBPyConnection) -> None:
    types = dict(
        conn.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'case_audits'"
        ).fetchall()
    )
    assert types["audit_date"] == "DATE"
    assert types["referred_back"] == "BOOLEAN"
    assert types["missing_episodes"] == "INTEGER"
    assert "case_ref" not in types
    assert conn.execute("SELECT count(*) FROM case_audits").fetchone()[0] == 9


def test_headline_figures_by_hand(conn: duckdb.DuckDBPyConnection) -> None:
    a = figures(conn, "A-1")
    assert a["cases_audited"] == (8, 8, 100.0)
    assert a["cases_not_good"] == (5, 8, 62.5)
    assert a["cases_inadequate"] == (2, 8, 25.0)
    assert a["cases_referred_back"] == (2, 8, 25.0)
    assert a["missing_good"] == (1, 2, 50.0)
    assert a["missing_not_good"] == (1, 2, 50.0)
    assert a["custody_detained_after_charge"] == (1, 2, 50.0)
    assert a["cse_not_good"] == (1, 2, 50.0)
    assert a["self_assessed_not_good"] == (2, 4, 50.0)
    assert a["self_assessed_force_good_or_adequate"] == (3, 4, 75.0)


def test_zero_denominator_gives_null_pct(conn: duckdb.DuckDBPyConnection) -> None:
    b = figures(conn, "B-1")
    assert b["cases_audited"] == (1, 1, 100.0)
    assert b["missing_good"] == (0, 0, None)
    assert b["custody_detained_after_charge"] == (0, 0, None)
    assert b["cse_not_good"] == (1, 1, 100.0)
    assert len(b) == 10


def test_ratings_by_category(conn: duckdb.DuckDBPyConnection) -> None:
    table = conn.execute("SELECT * FROM ratings_by_category WHERE inspection_id = 'A-1'").df()
    custody = table.set_index("category").loc["custody"]
    assert custody[
        ["cases", "good", "requires_improvement", "inadequate", "not_good"]
    ].tolist() == [2, 1, 1, 0, 1]
    assert custody["pct_not_good"] == 50.0
    assert table["cases"].sum() == 8
    assert set(table["category"]) == {
        "missing_absent",
        "custody",
        "cse",
        "online_cse",
        "domestic_abuse",
        "police_protection",
    }


def test_ratings_by_area_keeps_unrecorded_area(conn: duckdb.DuckDBPyConnection) -> None:
    table = conn.execute(
        "SELECT area, cases, not_good, pct_not_good FROM ratings_by_area "
        "WHERE inspection_id = 'A-1' ORDER BY area NULLS LAST"
    ).fetchall()
    assert table == [("North", 4, 2, 50.0), ("South", 3, 2, 66.7), (None, 1, 1, 100.0)]


def _reference(tmp_path: Path, name: str, frame: pd.DataFrame) -> str:
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return str(path)


def test_reconciliation_statuses(conn: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    published = pd.DataFrame(
        [
            ("A-1", "Force A", "cases_not_good", 5, 8, None),  # matches
            ("A-1", "Force A", "cases_inadequate", 3, 8, None),  # differs
            ("A-1", "Force A", "self_assessed_not_good", None, 4, 50),  # pct matches
            ("A-1", "Force A", "missing_good", None, 2, 51),  # pct differs
            ("A-1", "Force A", "no_such_metric", 1, 1, None),  # metric_unknown
            ("Z-9", "Force Z", "cases_audited", 10, 10, None),  # inspection_not_loaded
        ],
        columns=[
            "inspection_id",
            "force",
            "metric",
            "published_numerator",
            "published_denominator",
            "published_pct",
        ],
    ).assign(wording="w", source="s")
    figures_csv = _reference(tmp_path, "f.csv", published)
    materialize(conn, models()["published_reconciliation"], {"published_figures_csv": figures_csv})
    status = dict(
        conn.execute(
            "SELECT metric, status FROM published_reconciliation WHERE inspection_id = 'A-1'"
        ).fetchall()
    )
    assert status == {
        "cases_not_good": "matches",
        "cases_inadequate": "differs",
        "self_assessed_not_good": "matches",
        "missing_good": "differs",
        "no_such_metric": "metric_unknown",
    }
    z = conn.execute(
        "SELECT status, matches FROM published_reconciliation WHERE inspection_id = 'Z-9'"
    ).fetchone()
    assert z == ("inspection_not_loaded", None)


def test_claims_use_the_exact_percentage(conn: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    claims = pd.DataFrame(
        [
            ("A-1", "cases_not_good", ">", 62.5),  # 62.5 is not > 62.5
            ("A-1", "cases_not_good", ">=", 62.5),
            ("A-1", "cases_not_good", "<", 70),
            ("A-1", "cases_not_good", "=", 62.5),
            ("A-1", "cases_inadequate", "<=", 24.9),
            ("Z-9", "cases_not_good", ">", 1),
        ],
        columns=["inspection_id", "metric", "comparator", "claimed_pct"],
    ).assign(wording="w", source="s")
    claims_csv = _reference(tmp_path, "c.csv", claims)
    materialize(conn, models()["claim_checks"], {"published_claims_csv": claims_csv})
    holds = conn.execute(
        "SELECT holds FROM claim_checks ORDER BY inspection_id, metric, comparator, claimed_pct"
    ).fetchall()
    # ORDER: A-1 cases_inadequate <=; A-1 cases_not_good <, =, >, >=; Z-9
    assert [h for (h,) in holds] == [False, True, True, False, True, None]


def test_wilson_interval_matches_the_textbook(conn: duckdb.DuckDBPyConnection) -> None:
    """Known values: 0 of 10 -> [0, 27.8]; 10 of 10 -> [72.2, 100]; 278 of 374; n = 0."""
    import math

    def wilson(k: int, n: int) -> tuple[float, float]:
        z, p = 1.959963984540054, k / n
        centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
        return (
            round(100 * (centre - half) / (1 + z * z / n), 1),
            round(100 * (centre + half) / (1 + z * z / n), 1),
        )

    rows = conn.execute(
        "SELECT wilson_low(0, 10), wilson_high(0, 10), wilson_low(10, 10), wilson_high(10, 10), "
        "wilson_low(278, 374), wilson_high(278, 374), wilson_low(1, 0), percent(1, 0)"
    ).fetchone()
    assert rows[:4] == (0.0, 27.8, 72.2, 100.0)
    assert rows[4:6] == wilson(278, 374) == (69.7, 78.5)
    assert rows[6:] == (None, None)


def test_headline_intervals(conn: duckdb.DuckDBPyConnection) -> None:
    row = conn.execute(
        "SELECT pct, ci_low, ci_high FROM headline_figures WHERE inspection_id = 'A-1' AND "
        "metric = 'cases_not_good'"
    ).fetchone()
    assert row == (62.5, 30.6, 86.3)  # 5 of 8
    empty = conn.execute(
        "SELECT pct, ci_low, ci_high FROM headline_figures WHERE inspection_id = 'B-1' AND "
        "metric = 'missing_good'"
    ).fetchone()
    assert empty == (None, None, None)
