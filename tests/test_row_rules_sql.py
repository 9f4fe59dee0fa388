"""The warehouse's DuckDB row rules (sql/row_rules.sql) against the pandera schema.

`case-audit check` validates with pandera; the warehouse build runs the same rules as one SQL
pass. Random rows built from awkward spellings (odd case and spaces, Unicode spaces and
digits, impossible dates, year 0, long text) must get the same reasons, values and
normalised spellings from both, row by row.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.settings import SQL_DIR
from pipeline.validate.quarantine import validate_rows
from schemas.case_audit import (
    BOOL_COLUMNS,
    BOOL_SPELLINGS,
    CATEGORIES,
    COLUMNS,
    FORCE_RATINGS,
    RATINGS,
    RULES,
)
from tests.helpers import RUN_DATE, rows_frame, validate_in_duckdb

ODD_SPACES = ["\u00a0", "\u2003", "\u3000", "\x85", "\x1f", "\v"]


def spellings(values: list[str]) -> st.SearchStrategy[str]:
    def variants(v: str) -> st.SearchStrategy[str]:
        return st.sampled_from([v, v.upper(), v.title(), v.replace("_", " "),
                                v.replace("_", " - "), v.replace("_", "\u2003"),
                                v[:-1] + "\u212a" if v.endswith("k") else v + "x"])  # fmt: skip

    return st.sampled_from(values).flatmap(variants)


anything = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8)
VALUES: dict[str, st.SearchStrategy[str | None]] = {
    "inspection_id": st.sampled_from(["AB-1", "AB-2", "A", "A B-1", "x" * 65, "ab.c_d-9"]),
    "force": st.sampled_from(["F1", "F2", "f" * 201, "Ünïcode Force"]),
    "case_ref": st.sampled_from(["R-1", "R-2", "R-3", "R.4", "1234.0", "r" * 64, "٣٣٣"]),
    "area": st.sampled_from(["North", "a" * 200, "a" * 201, "é\u0301" * 101]),
    "category": spellings([*CATEGORIES, "burglary"]),
    "audit_date": st.sampled_from(
        [
            "2025-03-04",
            "2026-11-29",
            "2026-11-30",
            "2025-02-30",
            "0000-01-01",
            "0001-01-01",
            "2025-3-04",
            "04/03/2025",
            "٢٠٢٥-٠١-٠١",
            "2025-03-04T00:00",
            "9999-12-31",
            "INFINITY",  # DuckDB's strptime reads it as a date
            "2999-1-01",  # pandas' to_datetime reads it as a date
        ]
    ),
    "rating": spellings([*RATINGS, "ri", "excellent"]),
    "force_rating": spellings([*FORCE_RATINGS, "ri", "outstanding"]),
    "missing_episodes": st.sampled_from(
        ["1", "0", "0001", "12", "-1", "1.5", "٣", "999999999", "1000000000", "two"]
    ),
    **{c: spellings([*BOOL_SPELLINGS, "maybe", "2"]) for c in BOOL_COLUMNS},
}


@st.composite
def raw_row(draw: st.DrawFn) -> dict[str, str | None]:
    row: dict[str, str | None] = {}
    for column in COLUMNS:
        value = draw(st.none() | VALUES.get(column, anything) | anything)
        if value is not None and draw(st.booleans()):
            value = draw(st.sampled_from(ODD_SPACES)).join(["", value, ""]).strip() or value
        row[column] = value if value != "" else None
    row["extra_cells"] = draw(st.sampled_from([None, None, None, "1 cell(s)"]))
    return row


def plain(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples, every missing value as None, source_row as int."""
    cells = frame.astype(object).where(frame.notna(), None)
    columns = list(cells.columns)
    return [tuple(int(v) if k == "source_row" else v for k, v in zip(columns, row, strict=True))
            for row in cells.itertuples(index=False)]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(raw_row(), min_size=1, max_size=25))
def test_duckdb_rules_agree_with_the_pandera_schema(rows: list[dict]) -> None:
    frame = rows_frame(rows)
    by_pandera = validate_rows(frame, RUN_DATE)
    valid, reasons = validate_in_duckdb(frame, RUN_DATE)
    assert plain(reasons) == plain(by_pandera.reasons)
    assert valid["source_row"].tolist() == by_pandera.valid["source_row"].tolist()
    expected = by_pandera.valid.reset_index(drop=True)
    for column in ("category", "rating", "force_rating", "area", "force"):
        assert valid[column].tolist() == expected[column].tolist(), column
    for column in BOOL_COLUMNS:
        assert valid[column].tolist() == expected[column].map(
            {"true": True, "false": False}).tolist(), column  # fmt: skip


def test_every_row_rule_is_in_the_sql():
    sql = (SQL_DIR / "row_rules.sql").read_text()
    for rule in RULES:
        if rule.level == "row" and rule.checked_by == "pandera":
            assert f"'{rule.code}'" in sql, rule.code
