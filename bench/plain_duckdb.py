"""The plain DuckDB reference of the benchmark: load a CSV into a DuckDB file (DuckDB's own
type detection, no rule, no trimming) and count the cases per inspection, category and
rating, in a fresh process. Reported beside the targets, not a target. Not part of the
product.

    python bench/plain_duckdb.py FILE.csv DATABASE.duckdb
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

if __name__ == "__main__":
    csv_path, database = sys.argv[1:3]
    Path(database).unlink(missing_ok=True)
    with duckdb.connect(database) as conn:
        conn.execute("CREATE TABLE cases AS SELECT * FROM read_csv(?, header = true)", [csv_path])
        conn.execute(
            "CREATE TABLE category_counts AS SELECT inspection_id, category, rating, "
            "count(*) AS cases FROM cases GROUP BY ALL"
        )
        [(rows,)] = conn.execute("SELECT sum(cases) FROM category_counts").fetchall()
    print(f"plain DuckDB: {rows} rows")
