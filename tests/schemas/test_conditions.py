"""A framework's conditions (`required_when`, `empty_unless`) are evaluated by DuckDB over a
whole chunk at once; each row must get its own outcome back, however DuckDB scans it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas.frameworks import catalogue
from schemas.rules import condition_column, conditions


def test_each_row_gets_its_own_outcome_on_a_chunk_scanned_in_parallel() -> None:
    """300,000 rows (DuckDB scans a frame this large on several threads and returned them
    out of order, so valid custody and missing cases were quarantined by the hundred
    thousand): every row's outcome is what its own category says."""
    framework = catalogue().default
    generator = np.random.default_rng(23)
    rows = 300_000
    codes = np.array(list(framework.categories), dtype=object)
    frame = pd.DataFrame(
        {
            column: pd.Series([None] * rows, dtype="str")
            for column in ("inspection_id", "force", "case_ref", "area", "audit_date", "rating")
        }
    )
    frame["category"] = pd.Series(codes[generator.integers(0, len(codes), rows)], dtype="str")
    frame["force_rating"] = pd.Series([None] * rows, dtype="str")
    for column in framework.columns:
        frame[column.name] = pd.Series([None] * rows, dtype="str")
    judged = conditions(frame, framework)
    for code in ("custody", "missing_absent"):
        outcome = judged[condition_column(f"category = '{code}'")]
        assert outcome.notna().all()
        assert (outcome.to_numpy(dtype=bool) == frame["category"].eq(code).to_numpy()).all(), code
