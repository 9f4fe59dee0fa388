"""Apply the warehouse descriptions (`schemas/warehouse.py`) as DuckDB COMMENTs, and audit them.

Comments travel inside the published file, so `duckdb_tables()`, `duckdb_views()` and
`duckdb_columns()` explain the schema to anyone who opens it.
"""

from __future__ import annotations

import duckdb

from schemas.warehouse import MACROS, RELATIONS


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_comments(conn: duckdb.DuckDBPyConnection) -> None:
    """COMMENT ON every described table, view, column and macro present in `conn`."""
    present = actual_columns(conn)
    statements = []
    for relation in RELATIONS:
        if relation.name not in present:
            continue
        kind = "VIEW" if relation.kind == "view" else "TABLE"
        text = f"{relation.description} Grain: {relation.grain}."
        statements.append(f"COMMENT ON {kind} {relation.name} IS {_quote(text)}")
        for column in present[relation.name]:
            try:
                description = relation.column_description(column)
            except KeyError:
                continue  # reported by undocumented()
            statements.append(
                f"COMMENT ON COLUMN {relation.name}.{column} IS {_quote(description)}"
            )
    for name, description in MACROS.items():
        statements.append(f"COMMENT ON MACRO {name} IS {_quote(description)}")
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
    """Every mismatch between the published schema and its description (empty when none)."""
    present = actual_columns(conn)
    described = {r.name: r for r in RELATIONS}
    problems = [f"{name}: not described in schemas/warehouse.py" for name in present
                if name not in described]  # fmt: skip
    problems += [f"{name}: described but not in the warehouse" for name in described
                 if name not in present]  # fmt: skip
    for name, columns in present.items():
        if name not in described:
            continue
        listed = {c: t for c, t, _ in described[name].columns}
        if list(listed) != list(columns):
            problems.append(f"{name}: columns {list(columns)} but described {list(listed)}")
        for column, kind in columns.items():
            if column in listed and listed[column] != kind:
                problems.append(f"{name}.{column}: type {kind} but described {listed[column]}")
    return problems
