"""The row rules in DuckDB: `sql/row_rules.sql` over a relation `raw_rows`, for the warehouse
build (millions of rows, no pandas on the way).

The rule catalogue and the pandera schema in `schemas/case_audit.py` state the rules; this
module hands their constants (patterns, enums, spellings, limits, run date) to the SQL as
variables, so the SQL repeats no value. Tests hold the SQL and the pandera schema to the
same verdicts, row by row.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from pipeline.ingest.duckdb_csv import PYTHON_SPACES
from pipeline.warehouse.sql import build_table
from schemas.case_audit import (
    BOOL_SPELLINGS,
    CASE_REF_PATTERN,
    CATEGORIES,
    ENUM_ALIASES,
    FORCE_RATINGS,
    INSPECTION_ID_PATTERN,
    ISO_DATE_PATTERN,
    RATINGS,
    STRAY_QUOTE_PATTERN,
    TEXT_LIMITS,
    WHOLE_NUMBER_PATTERN,
)


def separators() -> str:
    """An RE2 class of what normalising reads as a separator: the characters Python's `\\s`
    matches (the same as str.strip() removes) and '-'."""
    return "[" + "".join(f"\\x{{{ord(c):X}}}" for c in PYTHON_SPACES) + "\\-]+"


def prepare(conn: duckdb.DuckDBPyConnection, run_date: dt.date) -> None:
    """Variables and TEMP macros that `sql/row_rules.sql` reads, on `conn`."""
    assert ENUM_ALIASES["rating"] == ENUM_ALIASES["force_rating"] and not ENUM_ALIASES["category"]
    assert len(set(TEXT_LIMITS.values())) == 1
    variables: dict[str, object] = {
        "run_date": run_date,
        "categories": list(CATEGORIES),
        "ratings": list(RATINGS),
        "force_ratings": list(FORCE_RATINGS),
        "text_limit": next(iter(TEXT_LIMITS.values())),
        "inspection_id_pattern": INSPECTION_ID_PATTERN,
        "case_ref_pattern": CASE_REF_PATTERN,
        "iso_date_pattern": ISO_DATE_PATTERN,
        "whole_number_pattern": WHOLE_NUMBER_PATTERN,
        "stray_quote_pattern": STRAY_QUOTE_PATTERN,
        "separators": separators(),
        "true_spellings": [k for k, v in BOOL_SPELLINGS.items() if v == "true"],
        "false_spellings": [k for k, v in BOOL_SPELLINGS.items() if v == "false"],
    }
    for name, value in variables.items():
        conn.execute(f"SET VARIABLE {name} = ?", [value])
    aliases = ENUM_ALIASES["rating"]
    conn.execute(
        "SET VARIABLE rating_aliases = MAP(?::VARCHAR[], ?::VARCHAR[])",
        [list(aliases), list(aliases.values())],
    )
    build_table(conn, "row_rule_macros")


def check_raw_rows(conn: duckdb.DuckDBPyConnection) -> None:
    """TEMP view `checked_rows` over the relation `raw_rows` (see sql/row_rules.sql)."""
    build_table(conn, "row_rules")
