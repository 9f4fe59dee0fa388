"""Claims in words (issue 22, point 3): a claim given by its wording alone is read by the
rulebook of verbal quantifiers (schemas/quantifiers.toml) as an interval and judged on the
exact percentage; an unknown wording is reported as such, never guessed. The claims are run
through the run's own model, claim_checks, over a hand-made headline_figures."""

from __future__ import annotations

import csv

import duckdb
import pytest

from pipeline.warehouse.registry import models

FIGURES = {  # metric -> (numerator, denominator)
    "three_in_four": (278, 374),  # 74.33%
    "exactly_75": (75, 100),
    "eighty_eight": (88, 100),
    "ninety_two": (92, 100),
    "tenth": (38, 374),  # 10.16%
    "rounds_to_75": (746, 1000),  # 74.6%
    "rounds_to_74": (744, 1000),  # 74.4%
}

CASES = [  # wording, metric, how it is read, holds
    (
        "almost three-quarters of files",
        "three_in_four",
        "almost three quarters: [70.0, 75.0)",
        True,
    ),
    ("more than three in four", "three_in_four", "more than three in four: (75.0, 100.0]", False),
    ("More than three in four", "exactly_75", "more than three in four: (75.0, 100.0]", False),
    ("at least three in four", "exactly_75", "at least three in four: [75.0, 100.0]", True),
    ("nearly 90 percent", "eighty_eight", "nearly 90%: [85.0, 90.0)", True),
    ("nearly 90 per cent", "three_in_four", "nearly 90%: [85.0, 90.0)", False),
    ("just under 93%", "ninety_two", "just under 93%: [91.0, 93.0)", True),
    ("just under 93%", "eighty_eight", "just under 93%: [91.0, 93.0)", False),
    ("a majority of cases", "three_in_four", "a majority: (50.0, 100.0]", True),
    ("one in ten", "tenth", "one in ten: [7.5, 12.5]", True),
    ("75%", "rounds_to_75", "75%: [74.5, 75.5)", True),
    ("75%", "rounds_to_74", "75%: [74.5, 75.5)", False),
    ("278 out of 374 cases", "three_in_four", "278 out of 374: [74.33, 74.33]", True),
    ("almost all", "eighty_eight", "almost all: [90.0, 100.0)", False),
    ("mostly fine", "three_in_four", "unknown wording", None),  # `most` only as a word
    ("a great many", "three_in_four", "unknown wording", None),
]


@pytest.fixture(scope="module")
def judged(tmp_path_factory) -> dict[tuple[str, str], tuple]:
    folder = tmp_path_factory.mktemp("claims")
    path = folder / "published_claims.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["inspection_id", "metric", "comparator", "claimed_pct", "wording", "source"]
        )
        for wording, metric, _, _ in CASES:
            writer.writerow(["T-1", metric, "", "", wording, "test"])
        writer.writerow(["T-1", "three_in_four", ">", "75", "278 out of 374 (more than 75%)", "t"])
    with duckdb.connect() as conn:
        conn.execute(
            "CREATE TABLE headline_figures AS SELECT 'T-1' AS inspection_id, metric, "
            "numerator::BIGINT AS numerator, denominator::BIGINT AS denominator, "
            "round(100 * numerator / denominator, 1) AS pct "
            "FROM (VALUES "
            + ", ".join(f"('{m}', {n}, {d})" for m, (n, d) in FIGURES.items())
            + ") AS f(metric, numerator, denominator)"
        )
        select = models()["claim_checks"].select
        rows = conn.execute(
            f"SELECT wording, metric, reading, holds, judged_on FROM ({select})",
            {"published_claims_csv": str(path)},
        ).fetchall()
    return {(w, m): (reading, holds, on) for w, m, reading, holds, on in rows}


@pytest.mark.parametrize(("wording", "metric", "reading", "holds"), CASES)
def test_a_wording_alone_is_read_as_an_interval(judged, wording, metric, reading, holds) -> None:
    found, verdict, on = judged[(wording, metric)]
    assert (found, verdict) == (reading, holds)
    assert on == (None if reading == "unknown wording" else "wording")


def test_a_comparator_still_decides_where_given(judged) -> None:
    """A claim with a comparator and a percentage is judged on them, as before, whatever its
    wording says (the published claims keep their meaning)."""
    reading, holds, on = judged[("278 out of 374 (more than 75%)", "three_in_four")]
    assert (reading, holds, on) == (None, False, "comparator")
