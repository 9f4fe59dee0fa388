"""Queries: rows worth a second look, flagged without holding anything back, over the rows
that loaded (`sql/data_queries.sql`, the query units of the rule catalogue)."""

from __future__ import annotations

import duckdb

from pipeline.lazy import pd
from pipeline.storage.sql import build_table
from pipeline.storage.workspace import scratch_database
from pipeline.validate.cross_row import register_rule_messages
from schemas.case_audit import QUERY_DAYS, QUERY_SELF_RATED_SHARE

QUERY_COLUMNS = ["source_file", "source_row", "inspection_id", "column_name", "rule", "message",
                 "value"]  # fmt: skip


def build_queries(conn: duckdb.DuckDBPyConnection) -> None:
    """Table data_queries over case_audits (rule_messages registered here if missing)."""
    register_rule_messages(conn)
    conn.execute("SET VARIABLE query_days = ?", [QUERY_DAYS])
    conn.execute("SET VARIABLE query_self_rated_share = ?", [QUERY_SELF_RATED_SHARE])
    build_table(conn, "data_queries")


def queries_in_memory(valid: pd.DataFrame) -> pd.DataFrame:
    """The queries over rows held in memory (`case-audit check`: normalised text rows that
    passed every rule), by the same SQL the warehouse build runs."""
    with scratch_database() as conn:
        conn.register("valid_rows", valid)
        conn.execute(
            "CREATE TEMP VIEW case_audits AS SELECT source_file, CAST(source_row AS INTEGER) "
            "AS source_row, inspection_id, category, CAST(audit_date AS DATE) AS audit_date, "
            "la_accommodation_requested = 'true' AS la_accommodation_requested, force_rating "
            "FROM valid_rows"
        )
        build_queries(conn)
        found = conn.execute("SELECT * FROM data_queries").df()
    return found[QUERY_COLUMNS]
