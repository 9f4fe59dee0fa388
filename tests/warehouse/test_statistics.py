"""The warehouse's statistics against a library oracle (statsmodels, a test-only dependency):
the interval of a change between two inspections (Newcombe) with its verdict, and kappa's
interval; and the small-numbers flag and the area x category view on a hand-made case set."""

from __future__ import annotations

import itertools

import duckdb
import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import confint_proportions_2indep

from pipeline.storage.models import materialize
from pipeline.warehouse.registry import macros_sql, models
from tests.warehouse.test_sql import conn  # noqa: F401  (the hand-made warehouse)

pytestmark = pytest.mark.slow  # the statsmodels oracle over many tables


@pytest.fixture
def macros() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(macros_sql())
    yield con
    con.close()


def newcombe(k1: int, n1: int, k0: int, n0: int) -> tuple[float, float]:
    low, high = confint_proportions_2indep(k1, n1, k0, n0, method="newcomb", compare="diff")
    return 100 * low, 100 * high


def test_the_issue_example_is_a_fall_not_chance(macros: duckdb.DuckDBPyConnection) -> None:
    """77.5% (62 of 80) to 54.8% (17 of 31): the Wilson intervals overlap, yet the change's own
    interval (-41.4 to -3.6 points) lies below zero."""
    row = macros.execute(
        "SELECT newcombe_low(17, 31, 62, 80), newcombe_high(17, 31, 62, 80), "
        "change_verdict(17, 31, 62, 80), wilson_high(17, 31) > "
        "wilson_low(62, 80)"
    ).fetchone()
    assert row == (-41.4, -3.6, "fell", True)


CASES = [  # (k1, n1, k0, n0): small, large, at 0% and 100%, equal shares
    (0, 1, 1, 1),
    (0, 5, 5, 5),
    (3, 7, 1, 9),
    (2, 38, 10, 38),
    (39, 40, 30, 40),
    (278, 374, 250, 374),
    (50, 100, 50, 100),
    (1, 1000, 0, 1000),
    (999, 1000, 1000, 1000),
    (12, 20, 4, 20),
    (7, 12, 11, 13),
]


def random_changes(count: int) -> list[tuple[int, int, int, int]]:
    rng = np.random.default_rng(7)
    sizes = rng.integers(1, 400, (count, 2))
    return [
        (int(rng.integers(0, n1 + 1)), int(n1), int(rng.integers(0, n0 + 1)), int(n0))
        for n1, n0 in sizes
    ]


RANDOM = random_changes(60)


@pytest.mark.parametrize("k1, n1, k0, n0", CASES + RANDOM)
def test_change_interval_matches_statsmodels(
    macros: duckdb.DuckDBPyConnection, k1: int, n1: int, k0: int, n0: int
) -> None:
    low, high, verdict = macros.execute(
        "SELECT newcombe_low($1, $2, $3, $4), newcombe_high($1, $2, $3, $4), "
        "change_verdict($1, $2, $3, $4)",
        [k1, n1, k0, n0],
    ).fetchone()
    expected_low, expected_high = newcombe(k1, n1, k0, n0)
    assert low == pytest.approx(round(expected_low, 1), abs=0.051)
    assert high == pytest.approx(round(expected_high, 1), abs=0.051)
    expected = "rose" if expected_low > 0 else "fell" if expected_high < 0 else "no clear change"
    assert verdict == expected


def test_no_interval_for_an_empty_share(macros: duckdb.DuckDBPyConnection) -> None:
    found = macros.execute(
        "SELECT newcombe_low(0, 0, 1, 2), newcombe_high(1, 2, 0, 0), change_verdict(0, 0, 1, 2)"
    ).fetchone()
    assert found == (None, None, None)


# ---------------------------------------------------------------- kappa

FORCE = ("good", "adequate", "requires_improvement", "inadequate")
INSPECTION = ("good", "requires_improvement", "inadequate")


def kappa_tables() -> list[tuple[int, int, int, int]]:
    """2 x 2 tables (both acceptable, force only, inspection only, neither)."""
    rng = np.random.default_rng(14)
    tables = [tuple(int(v) for v in rng.integers(0, 30, 4)) for _ in range(40)]
    return [
        t
        for t in [*tables, (20, 3, 2, 15), (5, 0, 0, 5), (1, 1, 1, 1), (10, 10, 0, 0)]
        if sum(t) > 0
    ]


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # statsmodels: kappa 0
def test_kappa_and_its_interval_match_statsmodels() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE case_audits (inspection_id VARCHAR, force VARCHAR, "
        "force_rating VARCHAR, rating VARCHAR, framework VARCHAR DEFAULT 'ncpi@2016')"
    )
    tables = kappa_tables()
    rows = []
    for i, (both, force_only, inspection_only, neither) in enumerate(tables):
        cells = (
            (both, "adequate", "good"),
            (force_only, "good", "inadequate"),
            (inspection_only, "inadequate", "good"),
            (neither, "requires_improvement", "requires_improvement"),
        )
        for count, force_rating, rating in cells:
            rows += [(f"I-{i:02d}", "F", force_rating, rating)] * count
        rows.append((f"I-{i:02d}", "F", None, "good"))  # not self-assessed: left out
    con.executemany(
        "INSERT INTO case_audits (inspection_id, force, force_rating, rating) VALUES (?, ?, ?, ?)",
        rows,
    )
    materialize(con, models()["self_assessment_kappa"], {})
    found = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT inspection_id, cases, kappa, kappa_low, kappa_high, agreement "
            "FROM self_assessment_kappa"
        ).fetchall()
    }
    checked = 0
    for i, (both, force_only, inspection_only, neither) in enumerate(tables):
        cases, kappa, low, high, words = found[f"I-{i:02d}"]
        assert cases == both + force_only + inspection_only + neither
        table = np.array([[both, force_only], [inspection_only, neither]])
        expected_agreement = (
            (both + force_only) * (both + inspection_only)
            + (inspection_only + neither) * (force_only + neither)
        ) / cases**2
        if expected_agreement >= 1:
            assert (kappa, low, high, words) == (None, None, None, None)
            continue
        result = cohens_kappa(table)
        assert kappa == pytest.approx(round(result.kappa, 3), abs=0.0011)
        assert low == pytest.approx(round(max(result.kappa_low, -1), 3), abs=0.0011)
        assert high == pytest.approx(round(min(result.kappa_upp, 1), 3), abs=0.0011)
        assert low <= kappa <= high
        assert words in ("poor", "slight", "fair", "moderate", "substantial", "almost perfect")
        checked += 1
    assert checked >= 30


def test_kappa_words_follow_landis_and_koch() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE case_audits AS SELECT *, 'ncpi@2016' AS framework FROM (VALUES "
        "('I', 'F', 'good', 'good'), ('I', 'F', 'good', 'good'), "
        "('I', 'F', 'inadequate', 'inadequate'), ('I', 'F', 'inadequate', 'inadequate'))"
        " AS t(inspection_id, force, force_rating, rating)"
    )
    materialize(con, models()["self_assessment_kappa"], {})
    assert con.execute("SELECT kappa, agreement FROM self_assessment_kappa").fetchone() == (
        1.0,
        "almost perfect",
    )


# ---------------------------------------------------------------- small numbers, area x category


def test_small_numbers_flag_every_share_below_the_minimum(conn: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    minimum = conn.execute("SELECT small_numbers_minimum()").fetchone()[0]
    assert minimum == 10
    for table, denominator in (
        ("headline_figures", "denominator"),
        ("ratings_by_category", "cases"),
        ("ratings_by_area", "cases"),
        ("ratings_by_area_category", "cases"),
    ):
        wrong = conn.execute(
            f"SELECT count(*) FROM {table} "
            f"WHERE small_numbers IS DISTINCT FROM ({denominator} < 10)"
        ).fetchone()[0]
        flagged = conn.execute(
            f"SELECT count(*) FILTER (WHERE small_numbers) FROM {table}"
        ).fetchone()[0]
        assert wrong == 0 and flagged > 0, table


def test_area_by_category_adds_up_to_both_margins(conn: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    rows = conn.execute(
        "SELECT area, category, cases, not_good, pct_not_good, ci_low, ci_high "
        "FROM ratings_by_area_category WHERE inspection_id = 'A-1' "
        "ORDER BY area NULLS LAST, category"
    ).fetchall()
    assert rows[:2] == [
        ("North", "domestic_abuse", 1, 1, 100.0, 20.7, 100.0),
        ("North", "missing_absent", 2, 1, 50.0, 9.5, 90.5),
    ]
    assert rows[-1][:4] == (None, "police_protection", 1, 1)
    for margin in ("area", "category"):
        differing = conn.execute(f"""
            SELECT count(*) FROM (
                SELECT inspection_id, {margin}, sum(cases) AS cases, sum(good) AS good,
                       sum(not_good) AS not_good
                FROM ratings_by_area_category GROUP BY ALL) AS summed
            FULL JOIN ratings_by_{margin} AS m ON summed.inspection_id = m.inspection_id
                 AND summed.{margin} IS NOT DISTINCT FROM m.{margin}  -- an unrecorded area
            WHERE summed.cases IS DISTINCT FROM m.cases OR summed.good IS DISTINCT FROM m.good
               OR summed.not_good IS DISTINCT FROM m.not_good""").fetchone()[0]
        assert differing == 0, margin


def test_random_tables_are_distinct() -> None:
    """The oracle cases are many distinct tables, not one repeated."""
    assert len(set(RANDOM)) > 50 and len(set(itertools.chain(CASES, RANDOM))) > 60
