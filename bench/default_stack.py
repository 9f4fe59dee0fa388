"""The default stack of the benchmark: what a user would write with Dagster, pandas and
pandera's pandas backend, one asset per step and no staging: read the CSV with pandas, shape
and validate it with a pandera schema of the same row rules (the default framework's codes,
the contract's patterns, the conditional columns), keep the valid rows, load them into a
DuckDB file and count the cases per inspection, category and rating. Dagster's default
I/O manager hands each frame to the next asset (pickled to its storage, as it does unless
told otherwise). Reported beside the targets, so the README can say how far ahead of it the
product is; not a target. Not part of the product.

    python bench/default_stack.py FILE.csv DATABASE.duckdb
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pandera.pandas as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from schemas import contract as c
from schemas.frameworks import catalogue

FRAMEWORK = catalogue().default
BOOLS = sorted(c.BOOL_SPELLINGS)


def _schema() -> pa.DataFrameSchema:
    today = pd.Timestamp(dt.date.today())
    text = pa.Check.str_length(max_value=c.TEXT_LIMIT)
    one_of = {
        "category": list(FRAMEWORK.categories),
        "rating": [*FRAMEWORK.rating.levels, *FRAMEWORK.rating.aliases],
        "force_rating": [*FRAMEWORK.force_levels, *FRAMEWORK.force_rating.aliases],
    }
    columns = {
        "inspection_id": pa.Column(str, pa.Check.str_matches(rf"(?:{c.INSPECTION_ID_PATTERN})\Z")),
        "force": pa.Column(str, text),
        "case_ref": pa.Column(str, pa.Check.str_matches(rf"(?:{c.CASE_REF_PATTERN})\Z")),
        "area": pa.Column(str, text, nullable=True),
        "category": pa.Column(str, pa.Check.isin(one_of["category"])),
        "audit_date": pa.Column("datetime64[ns]", pa.Check.le(today)),
        "rating": pa.Column(str, pa.Check.isin(one_of["rating"])),
        "force_rating": pa.Column(str, pa.Check.isin(one_of["force_rating"]), nullable=True),
        "missing_episodes": pa.Column(float, pa.Check.ge(1), nullable=True),
    }
    for column in FRAMEWORK.columns:
        if column.type == "bool":
            columns[column.name] = pa.Column(str, pa.Check.isin(BOOLS), nullable=True)
    custody = [n for n in ("charged", "bail_refused", "detained_until_court")]
    checks = [
        pa.Check(lambda f: (f["category"] != "custody") | f[custody].notna().all(axis=1)),
        pa.Check(lambda f: (f["category"] == "custody") | f[custody].isna().all(axis=1)),
        pa.Check(lambda f: (f["category"] != "missing_absent") | f["missing_episodes"].notna()),
        pa.Check(lambda f: (f["category"] == "missing_absent") | f["missing_episodes"].isna()),
        pa.Check(lambda f: ~f.duplicated(["inspection_id", "case_ref"], keep=False)),
    ]
    return pa.DataFrameSchema(columns, checks=checks, coerce=False)


@dg.asset
def raw_cases() -> pd.DataFrame:
    return pd.read_csv(PATH, dtype=str)


@dg.asset
def shaped_cases(raw_cases: pd.DataFrame) -> pd.DataFrame:
    frame = raw_cases.apply(lambda column: column.str.strip()).replace("", None)
    for name in ("category", "rating", "force_rating"):
        frame[name] = frame[name].str.lower()
    frame["audit_date"] = pd.to_datetime(frame["audit_date"], format="%Y-%m-%d", errors="coerce")
    frame["missing_episodes"] = pd.to_numeric(frame["missing_episodes"], errors="coerce")
    return frame


@dg.asset
def valid_cases(shaped_cases: pd.DataFrame) -> pd.DataFrame:
    try:
        return _schema().validate(shaped_cases, lazy=True)
    except pa.errors.SchemaErrors as errors:
        failed = errors.failure_cases["index"].dropna().unique()
        return shaped_cases.drop(index=failed)


@dg.asset
def category_counts(valid_cases: pd.DataFrame) -> int:
    with duckdb.connect(DATABASE) as conn:
        conn.execute("CREATE OR REPLACE TABLE cases AS SELECT * FROM valid_cases")
        conn.execute(
            "CREATE OR REPLACE TABLE category_counts AS SELECT inspection_id, category, rating, "
            "count(*) AS cases FROM cases GROUP BY ALL"
        )
        [(rows,)] = conn.execute("SELECT sum(cases) FROM category_counts").fetchall()
    return int(rows)


if __name__ == "__main__":
    PATH, DATABASE = sys.argv[1:3]
    Path(DATABASE).unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as home:
        result = dg.materialize(
            [raw_cases, shaped_cases, valid_cases, category_counts],
            instance=dg.DagsterInstance.local_temp(home),
        )
    assert result.success
    print(f"default stack: {result.output_for_node('category_counts')} valid rows")
