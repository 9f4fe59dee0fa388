"""Metadata every asset shows in the Dagster UI: row count, column schema, a preview."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipeline.lazy import pd
from pipeline.validate.checks import CheckResult
from pipeline.warehouse.registry import column_words, models

PREVIEW_ROWS = 10
# who answers for every asset in the UI (a Dagster team owner)
OWNERS = ["team:case-audit"]
# Dagster's own storage (run and event logs under DAGSTER_HOME) is outside the warehouse and
# its access control, so previews hold no provider text: tables with a row per case or per
# input file are never previewed, and other previews keep only text columns whose values
# come from a closed set the project defines (codes, metrics, statuses, validated ids).
# docs/data-protection.md, "Dagster's storage".
ROW_LEVEL_TABLES = (
    "case_audits",
    "rejected_rows",
    "file_loads",
    "quarantine_summary",
    "data_queries",
)
PREVIEWED_TEXT = frozenset(
    {
        "inspection_id",
        "previous_inspection_id",
        "category",
        "rating",
        "force_rating",
        "metric",
        "rule",
        "column_name",
        "status",
        "kind",
        "comparator",
        "measure",
        "table_name",
        "file",
        "format",
        "sha256",
        "partition_key",
        "refusal_rule",  # partition keys: validated names
    }
)


def _previewable(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without text columns that could hold provider text."""
    text = [
        c
        for c in frame.columns
        if pd.api.types.is_string_dtype(frame[c]) or frame[c].dtype == object
    ]
    keep = [c for c in frame.columns if c in PREVIEWED_TEXT or c not in text]
    return frame[keep]


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
        "preview": dg.MetadataValue.md(markdown_table(_previewable(frame.head(PREVIEW_ROWS)))),
    }


def column_schema(table: str) -> dg.TableSchema:
    """A relation's columns with their types and meanings (its model file): what an asset's
    definition carries, so the catalogue explains it before any run."""
    model = models()[table]
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name=c.name, type=c.type, description=column_words(model, c.name))
            for c in model.columns
        ]
    )


def definition_metadata(table: str) -> dict[str, object]:
    """The metadata an asset's definition carries: its columns, described, and its table."""
    return {"dagster/column_schema": column_schema(table), "dagster/table_name": f"main.{table}"}


def table_metadata(conn: duckdb.DuckDBPyConnection, table: str) -> dict[str, object]:
    """Row count, column schema (DuckDB types, the registry's meanings) and a Markdown
    preview of a warehouse table."""
    described = conn.execute(f'DESCRIBE "{table}"').fetchall()
    rows = conn.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0]
    preview = conn.execute(f'SELECT * FROM "{table}" LIMIT {PREVIEW_ROWS}').df()
    shown = frame_metadata(preview, rows)
    if table in ROW_LEVEL_TABLES:
        shown["preview"] = dg.MetadataValue.md(
            "_not previewed: a row per case or file stays in the warehouse_"
        )
    return {
        **shown,
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(name=name, type=str(kind), description=_meaning(table, name))
                for name, kind, *_ in described
            ]
        ),
        "dagster/table_name": f"main.{table}",
    }


def check_result(
    result: CheckResult,
    failing_name: str,
    severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR,
) -> dg.AssetCheckResult:
    """A library check's verdict as Dagster shows it: its figures and the failing rows."""
    failing = result.failing if result.failing is not None else pd.DataFrame()
    return dg.AssetCheckResult(
        passed=result.passed,
        description=result.description,
        severity=severity,
        metadata={**result.figures, failing_name: dg.MetadataValue.md(markdown_table(failing))},
    )


def _meaning(table: str, column: str) -> str | None:
    try:
        return column_words(models()[table], column)
    except KeyError:
        return None
