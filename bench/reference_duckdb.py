"""The DuckDB-only reference for the throughput benchmark (not part of the product).

One process: read the CSV into a DuckDB file, apply the same row rules as one SQL pass, and
build the category x rating counts. `case-audit run` on the same file is compared with it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

RULES_SQL = """
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
CREATE OR REPLACE TABLE category_counts AS
SELECT inspection_id, category, rating, count(*) AS cases
FROM checked WHERE NOT rejected GROUP BY ALL;
"""


def main(csv_path: str, database: str) -> None:
    Path(database).unlink(missing_ok=True)
    with duckdb.connect(database) as conn:
        conn.execute(
            "CREATE TABLE raw AS SELECT * FROM read_csv(?, header = true, all_varchar = true)",
            [csv_path],
        )
        conn.execute(RULES_SQL)
        rows = conn.execute("SELECT sum(cases) FROM category_counts").fetchone()[0]
    print(f"reference: {rows} valid rows")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
