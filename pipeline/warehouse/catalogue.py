"""The relations' words (their model files' headers, pipeline/warehouse/registry.py) written
into the warehouse as DuckDB COMMENTs, and audited against what the warehouse holds.

Comments travel inside the published file, so `duckdb_tables()`, `duckdb_views()` and
`duckdb_columns()` explain the schema to anyone who opens it.
"""

from __future__ import annotations

import duckdb

from pipeline.warehouse.registry import column_words, macro_words, models


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_comments(conn: duckdb.DuckDBPyConnection) -> None:
    """COMMENT ON every described table, view, column and macro present in `conn`."""
    present = actual_columns(conn)
    statements = []
    for model in models().values():
        if model.name not in present:
            continue
        kind = model.kind.upper()
        text = f"{model.description} Grain: {model.grain}."
        statements.append(f'COMMENT ON {kind} "{model.name}" IS {_quote(text)}')
        described = {column.name for column in model.columns}
        for column in present[model.name]:
            if column in described:  # the rest is reported by undocumented()
                words = _quote(column_words(model, column))
                statements.append(f'COMMENT ON COLUMN "{model.name}"."{column}" IS {words}')
    for name, words in macro_words().items():
        statements.append(f"COMMENT ON MACRO {name} IS {_quote(words)}")
    conn.execute(";\n".join(statements))  # one call: a few hundred comments in one go


def actual_columns(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """relation -> column -> DuckDB type, for the tables and views of the main schema."""
    rows = conn.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND database_name = current_database() "
        "ORDER BY table_name, column_index"
    ).fetchall()
    found: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        found.setdefault(table, {})[column] = kind
    return found


def undocumented(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Every difference between the warehouse and its model files: a relation or column
    without a description, one described but missing, a type other than the one stated."""
    present = actual_columns(conn)
    described = models()
    problems = [f"{name}: no model file describes it" for name in present if name not in described]
    problems += [
        f"{name}: described but not in the warehouse" for name in described if name not in present
    ]
    for name, columns in present.items():
        if name not in described:
            continue
        stated = {column.name: column.type for column in described[name].columns}
        if list(stated) != list(columns):
            problems.append(f"{name}: columns {list(columns)} but described {list(stated)}")
        for column, kind in columns.items():
            if column in stated and stated[column] != kind:
                problems.append(f"{name}.{column}: type {kind} but described {stated[column]}")
    return problems
