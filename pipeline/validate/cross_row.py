"""The rules that compare rows with each other, in DuckDB (`sql/cross_row_reasons.sql`).

They need every row of every input file at once (all copies of a case_ref are quarantined,
wherever they are), so they run in SQL over the rows' keys, not chunk by chunk in pandera.
"""

from __future__ import annotations

import duckdb

from pipeline.lazy import pd
from pipeline.storage.sql import build_table
from pipeline.storage.workspace import scratch_database
from schemas.case_audit import CROSS_ROW, RULES

CROSS_ROW_RULES = tuple(rule.code for rule in RULES if rule.checked_by == CROSS_ROW)
REASON_ORDER = ["source_file", "source_row", "inspection_id", "case_ref", "column_name", "rule",
                "message", "value", "hint"]  # fmt: skip


def register_rule_messages(conn: duckdb.DuckDBPyConnection) -> None:
    """TEMP table rule_messages (rule, message): the catalogue's message of every rule."""
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE rule_messages AS "
        "SELECT unnest(?::VARCHAR[]) AS rule, unnest(?::VARCHAR[]) AS message",
        [[r.code for r in RULES], [r.message for r in RULES]],
    )


def build_cross_row_reasons(conn: duckdb.DuckDBPyConnection) -> None:
    """TEMP table cross_row_reasons over `staged_rows` x `current_files` (see the SQL)."""
    register_rule_messages(conn)
    build_table(conn, "cross_row_reasons")


def cross_row_reasons_in_memory(keys: pd.DataFrame) -> pd.DataFrame:
    """Cross-row reasons for rows held in memory (`source_file` stands for the file hash)."""
    with scratch_database() as conn:
        staged = keys.rename(columns={"source_file": "sha256"})
        conn.register("staged_rows", staged)
        files = staged[["sha256"]].drop_duplicates()
        conn.register("current_files", files.assign(source_file=files["sha256"]))
        build_cross_row_reasons(conn)
        found = conn.execute("SELECT * FROM cross_row_reasons").df()
    found = found.rename(columns={"sha256": "source_file"})
    return found.astype({"source_row": "int64"})[REASON_ORDER]
