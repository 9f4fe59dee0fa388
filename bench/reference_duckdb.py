"""The DuckDB-only reference for the throughput benchmark (not part of the product).

One process reads the CSV into a DuckDB file, runs the same rules as one SQL pass and builds
the category x rating counts; `case-audit run` on the same file is compared with it.

"The same rules" are the product's, written as one SQL pass for this reference only (the
product runs them with pandera): cells trimmed as the contract says (`trimmed_cell` below),
the row rules of `bench/sql/row_rules.sql` with the constants from `schemas/contract.py`
and the default framework (`ncpi@2016`), and the two rules that compare rows (duplicate
case_ref, force mismatch) as window functions. The SQL was the product's own row-rule engine
until pandera became the one engine in the run; it is kept here, unused by the product and
unchecked by any test, as the DuckDB-only speed the pipeline is measured against. It keeps
no reasons, pseudonymises nothing, stages nothing for the next run and publishes nothing:
that is the pipeline's overhead being measured.

`--simplified` runs the hand-written subset of the rules this reference used before
(no trimming, no spelling normalisation, fewer formats): a lighter, stricter reference that
the benchmark reports beside it.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import duckdb

SIMPLIFIED_RULES_SQL = """
CREATE OR REPLACE TABLE checked AS
SELECT *,
    (inspection_id IS NULL OR NOT regexp_full_match(inspection_id, '[A-Za-z0-9_.\\-]{3,64}'))
    OR force IS NULL OR length(force) > 200
    OR (case_ref IS NULL OR NOT regexp_full_match(case_ref, '[A-Za-z0-9_\\-]{3,64}'))
    OR lower(category) NOT IN ('missing_absent', 'custody', 'cse', 'online_cse',
        'domestic_abuse', 'child_abuse_investigation', 'police_protection',
        'sex_offender_management') OR category IS NULL
    OR try_strptime(audit_date, '%Y-%m-%d') IS NULL OR audit_date::DATE > current_date
    OR lower(rating) NOT IN ('good', 'requires_improvement', 'inadequate', 'ri')
    OR lower(referred_back) NOT IN ('true', 'false', 'yes', 'no', 'y', 'n', '1', '0')
    OR (force_rating IS NOT NULL AND lower(force_rating) NOT IN ('good', 'adequate',
        'requires_improvement', 'inadequate', 'ri'))
    OR (category = 'custody' AND (charged IS NULL OR bail_refused IS NULL
        OR detained_until_court IS NULL))
    OR (category <> 'custody' AND coalesce(charged, bail_refused, detained_until_court,
        la_accommodation_requested) IS NOT NULL)
    OR (category = 'missing_absent' AND (missing_episodes IS NULL
        OR try_cast(missing_episodes AS INTEGER) < 1))
    OR (category <> 'missing_absent' AND missing_episodes IS NOT NULL)
    OR count(*) OVER (PARTITION BY inspection_id, case_ref) > 1
    AS rejected
FROM raw;
"""

SAME_RULES_SQL = """
CREATE OR REPLACE TABLE checked AS
SELECT *,
    len(failures) > 0
    OR count(*) OVER (PARTITION BY inspection_id, case_ref) > 1
    OR force IS DISTINCT FROM mode(force) OVER (PARTITION BY inspection_id)
    AS rejected
FROM checked_rows;
"""

COUNTS_SQL = """
CREATE OR REPLACE TABLE category_counts AS
SELECT inspection_id, {category} AS category, {rating} AS rating, count(*) AS cases
FROM checked WHERE NOT rejected GROUP BY ALL;
"""


def simplified(conn: duckdb.DuckDBPyConnection, csv_path: str) -> None:
    conn.execute(
        "CREATE TABLE raw AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
        [csv_path],
    )
    conn.execute(SIMPLIFIED_RULES_SQL)
    conn.execute(COUNTS_SQL.format(category="category", rating="rating"))


REFERENCE_SQL = Path(__file__).resolve().parent / "sql"
# what Python's str.strip() removes (str.isspace), which the product's shaping applies
PYTHON_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def trimmed_cell(column: str) -> str:
    """SQL for a text cell trimmed as str.strip() does, empty as NULL; the guard skips
    trim() for most cells, which need none."""
    spaces = "getvariable('python_spaces')"
    guard = f"contains({spaces}, left({column}, 1)) OR contains({spaces}, right({column}, 1))"
    return f"nullif(CASE WHEN {guard} THEN trim({column}, {spaces}) ELSE {column} END, '')"


def prepare(conn: duckdb.DuckDBPyConnection, run_date: dt.date) -> None:
    """Variables and TEMP macros that bench/sql/row_rules.sql reads: the contract's
    constants and the default framework's codes (the synthetic files name no framework)."""
    from schemas import contract as c
    from schemas.frameworks import catalogue

    framework = catalogue().default

    # what normalising reads as a separator, as an RE2 class: Python's `\s` and '-'
    separators = "[" + "".join(f"\\x{{{ord(ch):X}}}" for ch in PYTHON_SPACES) + "\\-]+"

    variables: dict[str, object] = {
        "run_date": run_date,
        "categories": list(framework.categories),
        "ratings": list(framework.rating.levels),
        "force_ratings": list(framework.force_levels),
        "text_limit": max(c.TEXT_LIMITS.values()),
        "inspection_id_pattern": c.INSPECTION_ID_PATTERN,
        "case_ref_pattern": c.CASE_REF_PATTERN,
        "iso_date_pattern": c.ISO_DATE_PATTERN,
        "whole_number_pattern": c.WHOLE_NUMBER_PATTERN,
        "stray_quote_pattern": c.STRAY_QUOTE_PATTERN,
        "separators": separators,
        "true_spellings": [k for k, v in c.BOOL_SPELLINGS.items() if v == "true"],
        "false_spellings": [k for k, v in c.BOOL_SPELLINGS.items() if v == "false"],
    }
    for name, value in variables.items():
        conn.execute(f"SET VARIABLE {name} = ?", [value])
    aliases = framework.rating.aliases
    conn.execute(
        "SET VARIABLE rating_aliases = MAP(?::VARCHAR[], ?::VARCHAR[])",
        [list(aliases), list(aliases.values())],
    )
    for name in ("row_rule_macros", "row_rules"):
        conn.execute((REFERENCE_SQL / f"{name}.sql").read_text(encoding="utf-8"))


def same_rules(conn: duckdb.DuckDBPyConnection, csv_path: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from schemas.contract import CORE_COLUMNS
    from schemas.frameworks import catalogue

    columns = (*CORE_COLUMNS, *(column.name for column in catalogue().default.columns))

    conn.execute("SET VARIABLE python_spaces = ?", [PYTHON_SPACES])
    cells = ", ".join(f"{trimmed_cell(name)} AS {name}" for name in columns)
    conn.execute(
        f"CREATE TABLE raw AS SELECT {cells} FROM read_csv(?, header = true, all_varchar = true)",
        [csv_path],
    )
    conn.execute(
        "CREATE TEMP VIEW raw_rows AS "
        "SELECT rowid + 2 AS source_row, *, NULL::VARCHAR AS extra_cells FROM raw"
    )
    prepare(conn, dt.date.today())  # the TEMP view checked_rows: bench/sql/row_rules.sql
    conn.execute(SAME_RULES_SQL)
    conn.execute(COUNTS_SQL.format(category="n_category", rating="n_rating"))


def main(csv_path: str, database: str, rules: str = "same") -> None:
    Path(database).unlink(missing_ok=True)
    with duckdb.connect(database) as conn:
        (simplified if rules == "--simplified" else same_rules)(conn, csv_path)
        rows = conn.execute("SELECT sum(cases) FROM category_counts").fetchone()[0]
    print(f"reference: {rows} valid rows")


if __name__ == "__main__":
    main(*sys.argv[1:4])
