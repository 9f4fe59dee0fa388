"""Row conservation as a plain function over file_loads (no Dagster)."""

from __future__ import annotations

import duckdb

from pipeline.validate.checks import rows_conserved


def test_rows_conserved_names_each_file_that_loses_rows() -> None:
    with duckdb.connect() as conn:
        conn.execute(
            "CREATE TABLE file_loads AS SELECT * FROM (VALUES "
            "('a.csv', 'loaded', 10, 7, 3), ('b.csv', 'loaded', 5, 4, 0), "
            "('c.csv', 'refused', 0, 0, 0)) t(source_file, status, rows_read, rows_loaded, "
            "rows_rejected)"
        )
        result = rows_conserved(conn)
        assert not result.passed
        assert "b.csv: read 5, loaded 4, rejected 0" in result.description
        assert "a.csv" not in result.description
        conn.execute("DELETE FROM file_loads WHERE source_file = 'b.csv'")
        assert rows_conserved(conn).passed
