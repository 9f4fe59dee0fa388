"""The raw-parse baseline of the benchmark: DuckDB counting the rows of a CSV (every cell as
text, no rule, no storage), in a fresh process. Not part of the product.

    python bench/raw_parse.py FILE.csv
"""

from __future__ import annotations

import sys

import duckdb

if __name__ == "__main__":
    [(rows,)] = duckdb.sql(
        "SELECT count(*) FROM read_csv(?, header = true, all_varchar = true)",
        params=[sys.argv[1]],
    ).fetchall()
    print(rows)
