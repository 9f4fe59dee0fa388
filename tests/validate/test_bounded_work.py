"""Hostile volume costs linear work and bounded output: 20,000 rows sharing one case_ref (a
`TBC` placeholder) or naming 20,000 forces are quarantined with hints of a few lines, within
a run's DuckDB memory limit (the cross-row rules once joined every copy with every other)."""

from __future__ import annotations

import tracemalloc

import pytest

from pipeline.validate.memory import validate_rows
from tests.helpers import RUN_DATE, case, rows_frame

COPIES = 20_000
HINT_LIMIT = 200  # characters: a hint is a sentence, whatever the volume


@pytest.fixture
def small_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run's DuckDB memory limit far below what a quadratic join would need."""
    monkeypatch.setenv("CASE_AUDIT_DUCKDB_MEMORY", "128MB")


def _reasons(rows: list[dict]) -> tuple[object, int]:
    tracemalloc.start()
    try:
        reasons = validate_rows(rows_frame(rows), RUN_DATE).reasons
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return reasons, peak


def test_copies_of_one_case_ref_name_five_others_and_count_the_rest(small_memory) -> None:
    reasons, peak = _reasons([case(case_ref="TBC") for _ in range(COPIES)])
    hints = reasons.loc[reasons["rule"].eq("duplicate_case_ref")].set_index("source_row")["hint"]
    assert len(hints) == COPIES  # every copy held back, none merged
    assert hints.str.len().max() <= HINT_LIMIT
    assert hints[2] == (
        "Other copies: test.csv row 3, test.csv row 4, test.csv row 5, test.csv row 6, "
        f"test.csv row 7 and {COPIES - 6:,} more."
    )
    assert hints[4] == (
        "Other copies: test.csv row 2, test.csv row 3, test.csv row 5, test.csv row 6, "
        f"test.csv row 7 and {COPIES - 6:,} more."
    )
    assert peak < 200 * 2**20  # Python's own allocations stay in proportion to the rows


def test_forces_that_tie_are_named_three_and_counted(small_memory) -> None:
    rows = [case(case_ref=f"C-{n:05}", force=f"Force {n:05}") for n in range(COPIES)]
    reasons, _ = _reasons(rows)
    hints = reasons.loc[reasons["rule"].eq("force_mismatch"), "hint"]
    assert len(hints) == COPIES
    assert set(hints) == {
        "Rows of NWC-CP-2025 name 'Force 00000' and 'Force 00001' and 'Force 00002' and "
        f"{COPIES - 3:,} other forces equally often: say which force it is."
    }
