"""A framework's SQL expressions (metrics, conditions, queries), checked before anything runs.

An expression is SQL over one case's columns, written by an operator in a framework file and
later placed inside the warehouse's SQL. So it is read by DuckDB's own parser and walked: only
columns the case has, constants, comparisons, AND / OR / NOT, IS NULL, IN, BETWEEN, CASE,
CAST, arithmetic and a few pure functions are allowed; a sub-query, any other function (one
that reads a file or the network among them), a second statement or an unknown column refuses
it with one sentence. Then DuckDB binds it over the case's typed columns: it must be boolean.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping

# pure functions of one case's values an expression may call (operators such as + and LIKE
# are allowed as operators)
FUNCTIONS = frozenset(
    {"lower", "upper", "trim", "length", "abs", "least", "greatest", "year", "month", "day"}
)
# the expression node classes allowed, and the OPERATOR types among them
CLASSES = frozenset(
    {"CONJUNCTION", "COMPARISON", "OPERATOR", "BETWEEN", "CASE", "CAST", "CONSTANT"}
)
OPERATORS = frozenset(
    {
        "OPERATOR_NOT",
        "OPERATOR_IS_NULL",
        "OPERATOR_IS_NOT_NULL",
        "COMPARE_IN",
        "COMPARE_NOT_IN",
        "OPERATOR_COALESCE",
    }
)


class ExpressionError(ValueError):
    """What is wrong with an expression, as the end of a sentence (`it calls read_csv, ...`)."""


@functools.cache
def _parser() -> object:
    import duckdb

    return duckdb.connect()


def _tree(expression: str) -> dict:
    """The parsed `SELECT (expression)`: exactly one statement, one value, nothing else."""
    if not expression.strip():
        raise ExpressionError("it is empty; write a condition such as `category = 'custody'`")
    cursor = _parser().cursor()
    [(text,)] = cursor.execute(
        "SELECT json_serialize_sql(?)", [f"SELECT ({expression})"]
    ).fetchall()
    tree = json.loads(text)
    if tree.get("error"):
        raise ExpressionError(
            "it is not one SQL expression (a second statement, or a syntax error: "
            f"{tree.get('error_message', '').strip()})"
        )
    statements = tree["statements"]
    node = statements[0]["node"] if len(statements) == 1 else {}
    clean = (
        node.get("type") == "SELECT_NODE"
        and len(node.get("select_list", [])) == 1
        and node.get("from_table", {}).get("type") == "EMPTY"
        and not node.get("where_clause")
        and not node.get("group_expressions")
        and not node.get("having")
        and not node.get("qualify")
        and not node.get("modifiers")
        and not node.get("cte_map", {}).get("map")
    )
    if not clean:
        raise ExpressionError("it is not one SQL expression (it adds a clause or a statement)")
    return node["select_list"][0]


def _walk(node: dict, columns: set[str], used: set[str], compared: list) -> None:
    kind = node.get("class")
    if kind == "COLUMN_REF":
        names = node["column_names"]
        name = ".".join(names)
        if len(names) != 1 or names[0] not in columns:
            raise ExpressionError(
                f"it names the column {name!r}, which a case does not have (use one of "
                f"{', '.join(sorted(columns))})"
            )
        used.add(names[0])
        return
    if kind == "FUNCTION":
        name = node.get("function_name", "")
        if not node.get("is_operator") and name.lower() not in FUNCTIONS:
            raise ExpressionError(
                f"it calls {name}(), which is not allowed (only {', '.join(sorted(FUNCTIONS))} "
                "and operators)"
            )
        if node.get("filter") or node.get("distinct") or node["order_bys"].get("orders"):
            raise ExpressionError(f"it calls {name}() as an aggregate")
    elif kind == "SUBQUERY":
        raise ExpressionError("it holds a sub-query; an expression judges one case by its columns")
    elif kind not in CLASSES:
        raise ExpressionError(
            f"it uses {str(kind).lower().replace('_', ' ')} ({node.get('type')}), which an "
            "expression over one case cannot"
        )
    elif kind == "OPERATOR" and node.get("type") not in OPERATORS:
        raise ExpressionError(f"it uses the operator {node.get('type')}, which is not allowed")
    if kind in ("COMPARISON", "OPERATOR") and node.get("type") not in (
        "OPERATOR_NOT",
        "OPERATOR_COALESCE",
    ):
        compared.append(node)
    for key, value in node.items():
        if key in ("type_expr", "literal", "qualified_name"):
            continue
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, dict):
                if "expression" in child and "class" not in child:
                    child = child["expression"]
                if child.get("class"):
                    _walk(child, columns, used, compared)
                else:  # a CASE's checks: {when_expr, then_expr}
                    for inner in child.values():
                        if isinstance(inner, dict) and inner.get("class"):
                            _walk(inner, columns, used, compared)


def _codes_named(compared: list, codes: Mapping[str, tuple[str, ...]]) -> None:
    """A coded column (category, rating, ...) compared with a text constant that is none of
    its codes: the condition could never hold as written."""
    for node in compared:
        parts = node.get("children") or [node.get("left"), node.get("right")]
        parts = [p for p in parts if isinstance(p, dict)]
        named = [p["column_names"][0] for p in parts if p.get("class") == "COLUMN_REF"]
        texts = [
            p["literal"]["text"]
            for p in parts
            if p.get("class") == "CONSTANT" and p["literal"].get("kind") == "STRING"
        ]
        for column in named:
            if column in codes:
                for text in texts:
                    if text not in codes[column]:
                        raise ExpressionError(
                            f"it compares {column} with {text!r}, which is not one of its "
                            f"codes ({', '.join(codes[column])})"
                        )


def check_expression(
    expression: str,
    types: Mapping[str, str],
    codes: Mapping[str, tuple[str, ...]],
) -> frozenset[str]:
    """The columns `expression` uses, once it is known to be a boolean over `types` (column ->
    DuckDB type) that compares coded columns only with their `codes`; ExpressionError (why,
    as the end of a sentence) otherwise."""
    used: set[str] = set()
    compared: list = []
    _walk(_tree(expression), set(types), used, compared)
    _codes_named(compared, codes)
    columns = ", ".join(f"NULL::{kind} AS {name}" for name, kind in types.items())
    try:
        described = (
            _parser()
            .cursor()
            .execute(f"DESCRIBE SELECT ({expression}) AS v FROM (SELECT {columns})")
        ).fetchall()
    except Exception as problem:  # DuckDB's binder: a type mismatch, a bad cast, ...
        first = str(problem).splitlines()[0]
        raise ExpressionError(f"DuckDB cannot evaluate it ({first})") from None
    if described[0][1] != "BOOLEAN":
        raise ExpressionError(
            f"it gives {described[0][1]}, not true or false; write a condition such as "
            "`category = 'custody'`"
        )
    return frozenset(used)
