"""figure_digests in bounded memory: the digests a receipt carries, computed from
metric_cases sorted in batches, are those of each figure's sorted keys, also where the SQL
aggregate that once made them runs out of memory."""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pytest

from pipeline.reconcile import digests
from pipeline.storage.models import materialize
from pipeline.warehouse.registry import models

CASES, METRICS = 40_000, 10


@pytest.fixture
def conn(tmp_path, monkeypatch):
    """metric_cases of 400,000 rows (40,000 cases x 10 metrics over 7 inspections) in a
    database held to 80 MB, spilling to `tmp_path`; batches of 5,000 cases, so a figure
    spans several, and 4 metrics folded per pass, so the metrics take three."""
    monkeypatch.setattr(digests, "BATCH_ROWS", 5_000)
    monkeypatch.setattr(digests, "BITS", 4)
    generator = np.random.default_rng(5)
    keys = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(CASES)]
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        conn.execute(f"SET temp_directory = '{tmp_path / 'spill'}'")
        conn.execute(
            "CREATE TABLE cases AS SELECT unnest(?) AS case_key, unnest(?) AS inspection_id",
            [keys, [f"I-{n}" for n in generator.integers(0, 7, CASES)]],
        )
        conn.execute(
            "CREATE TABLE metric_cases AS SELECT inspection_id, 'm' || m AS metric, "
            "(m + 1)::INTEGER AS metric_order, case_key, "
            "hash(case_key, m) % 3 = 0 AND m <> 9 AS in_numerator, m <> 8 AS in_denominator "
            f"FROM cases, range({METRICS}) AS r(m) ORDER BY random()"
        )
        conn.execute("SET memory_limit = '80MB'")
        yield conn


def test_the_digests_are_those_of_each_figure_s_sorted_keys_in_bounded_memory(conn) -> None:
    materialize(conn, models()["figure_digests"], {})
    made = conn.execute("SELECT * FROM figure_digests").fetchall()
    cases = conn.execute(
        "SELECT inspection_id, metric, case_key, in_numerator, in_denominator FROM metric_cases"
    ).fetchall()
    expected: dict[tuple[str, str], tuple[list, list]] = {}
    for inspection, metric, key, numerator, denominator in cases:
        sides = expected.setdefault((inspection, metric), ([], []))
        if numerator:
            sides[0].append(key)
        if denominator:
            sides[1].append(key)

    def sha(keys: list[str]) -> str:
        return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()

    assert len(made) == 7 * METRICS
    for inspection, metric, numerator, denominator in made:
        keys = expected[(inspection, metric)]
        assert (numerator, denominator) == (sha(keys[0]), sha(keys[1])), (inspection, metric)
    empty = hashlib.sha256(b"").hexdigest()
    assert {n for _, m, n, _ in made if m == "m9"} == {empty}  # no case: the empty text
    assert {d for _, m, _, d in made if m == "m8"} == {empty}


def test_the_sql_aggregate_runs_out_of_that_memory(conn) -> None:
    """What the digests were computed with before: every figure's keys held at once."""
    with pytest.raises(duckdb.OutOfMemoryException):
        conn.execute(
            "SELECT inspection_id, metric, sha256(string_agg(case_key, chr(10) ORDER BY "
            "case_key) FILTER (WHERE in_denominator)) FROM metric_cases GROUP BY ALL"
        ).fetchall()
