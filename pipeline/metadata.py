"""Metadata every asset shows in the Dagster UI: row count, column schema, a preview."""

from __future__ import annotations

import dagster as dg
import duckdb
import pandas as pd

PREVIEW_ROWS = 10


def markdown_table(frame: pd.DataFrame) -> str:
    """A small Markdown table (no extra dependency); `|` in cells escaped."""
    if frame.empty:
        return "_no rows_"

    def cell(value: object) -> str:
        return "" if pd.isna(value) else str(value).replace("|", "\\|").replace("\n", " ")

    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def table_metadata(conn: duckdb.DuckDBPyConnection, table: str) -> dict[str, object]:
    """Row count, column schema and a Markdown preview of a warehouse table."""
    described = conn.execute(f'DESCRIBE "{table}"').fetchall()
    rows = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    preview = conn.execute(f'SELECT * FROM "{table}" LIMIT {PREVIEW_ROWS}').df()
    return {
        "dagster/row_count": dg.MetadataValue.int(rows),
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name=name, type=str(kind)) for name, kind, *_ in described]
        ),
        "dagster/table_name": f"main.{table}",
        "preview": dg.MetadataValue.md(markdown_table(preview)),
    }
