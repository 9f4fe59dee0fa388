"""Metadata every asset shows in the Dagster UI: row count, column schema, a preview."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipeline.lazy import pd

PREVIEW_ROWS = 10
# who answers for every asset in the UI (a Dagster team owner)
OWNERS = ["team:case-audit"]
# never copied into Dagster's event log (previews are stored there, outside the warehouse)
NEVER_PREVIEWED = ("case_ref",)


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


def frame_metadata(frame: pd.DataFrame, rows: int | None = None) -> dict[str, object]:
    """Row count, column schema and a Markdown preview of a frame (its first rows)."""
    return {
        "dagster/row_count": dg.MetadataValue.int(len(frame) if rows is None else rows),
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name=str(c), type=str(t)) for c, t in frame.dtypes.items()]
        ),
        "preview": dg.MetadataValue.md(
            markdown_table(
                frame.head(PREVIEW_ROWS).drop(columns=list(NEVER_PREVIEWED), errors="ignore")
            )
        ),
    }


def table_metadata(conn: duckdb.DuckDBPyConnection, table: str) -> dict[str, object]:
    """Row count, column schema (DuckDB types) and a Markdown preview of a warehouse table."""
    described = conn.execute(f'DESCRIBE "{table}"').fetchall()
    rows = conn.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
    preview = conn.execute(f'SELECT * FROM "{table}" LIMIT {PREVIEW_ROWS}').df()
    return {
        **frame_metadata(preview, rows),
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name=name, type=str(kind)) for name, kind, *_ in described]
        ),
        "dagster/table_name": f"main.{table}",
    }
