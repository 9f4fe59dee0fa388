"""SQL models: one file per relation, its description beside its SQL, its inputs read from it.

A model file (`<layer>/sql/<name>.sql`, named as the relation) is a Jinja template: a block
comment holding TOML that describes the relation, then one SELECT statement.

    /*
    grain = "one row per inspection x category present"
    description = "Inspection ratings per category ..."
    materialized = "table"              # table | view | append | history | computed
    computed_by = "pkg.module:function" # computed only: the Python that fills it
    contract = ["inspection_id", ...]   # the product contract's columns, if it has some
    columns_from = "trends"             # or: another relation's columns, those the SELECT
                                        # names, in its order ([columns] for the others)
    [columns]                           # in order; a column without words takes the
    inspection_id = "VARCHAR"           # glossary's (pipeline/warehouse/sql/columns.toml)
    pct_not_good = ["DOUBLE", "100 x not_good / cases, one decimal."]
    */
    SELECT ...

What it reads is not declared: it is read from the SELECT by DuckDB's own parser
(`json_serialize_sql`), common table expressions set aside, and so are the parameters it
takes (`$name`), which the caller hands over by name; no model reads a session variable. The
build order is the graph's topological order. The columns the header states are the
relation's contract: a relation made with other columns or types is refused.

How a relation is made is its `materialized`: `table` and `view` from the SELECT; `append`,
a table whose SELECT gives the rows to add when the caller says the run only adds (else the
whole table); `history`, a table made once, empty, from the SELECT (`WHERE false`) and filled
by Python, a row per event; `computed`, a table made empty from the SELECT, which states its
columns and what it reads, then filled by the Python function its header names
(`computed_by`), for what SQL cannot do within the run's memory (figure_digests).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb

MATERIALIZED = ("table", "view", "append", "history", "computed")
_HEADER = re.compile(r"\A\s*/\*(?P<header>.*?)\*/(?P<sql>.*)\Z", re.S)


class ModelError(ValueError):
    """A model file that cannot be used: its path and what is wrong, in one sentence."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str | None  # None: the glossary's words for this column name


@dataclass(frozen=True)
class Model:
    """One relation of the warehouse, as its file states it (rendered)."""

    name: str
    path: Path
    grain: str
    description: str
    materialized: str
    columns: tuple[Column, ...]
    select: str
    reads: frozenset[str]  # relations read: `name`, or `staging.name` for the staging's own
    params: frozenset[str]  # the `$name` parameters its SELECT takes
    contract: tuple[str, ...] | None = None  # the product contract's columns; None: added
    columns_from: str | None = None  # a relation whose columns (and words) these are
    selected: tuple[str, ...] = ()  # the names its SELECT gives, in order (empty: `*`)
    computed_by: str | None = None  # computed: "module:function", filling the empty table

    @property
    def kind(self) -> str:
        """What the published warehouse holds: a table or a view."""
        return "view" if self.materialized == "view" else "table"

    @property
    def digest(self) -> str:
        """What the model is made from, as text: a build is redone when it changes (for a
        computed one, with the code of the module that fills it)."""
        code = ""
        if self.computed_by:
            module = importlib.import_module(self.computed_by.partition(":")[0])
            code = Path(module.__file__).read_text(encoding="utf-8")
        made = f"{self.materialized}\n{self.select}\n{code}"
        return hashlib.sha256(made.encode()).hexdigest()


def render(path: Path, context: Mapping[str, object]) -> str:
    """A model file's text with its Jinja expressions filled from `context`."""
    return _environment().from_string(path.read_text(encoding="utf-8")).render(**context)


def load_model(path: Path, context: Mapping[str, object] | None = None) -> Model:
    """The model of one file: its header read, its SELECT parsed for what it reads."""
    found = _HEADER.match(render(path, context or {}))
    if not found:
        raise ModelError(f"{path}: a model file starts with a /* ... */ header (TOML).")
    try:
        header = tomllib.loads(found["header"])
    except tomllib.TOMLDecodeError as problem:
        raise ModelError(f"{path}: its header is not TOML ({problem}).") from None
    materialized = header.get("materialized", "table")
    if materialized not in MATERIALIZED:
        raise ModelError(f"{path}: materialized must be one of {', '.join(MATERIALIZED)}.")
    select = found["sql"].strip().rstrip(";").strip()
    reads, params, selected = parse_select(select, path)
    computed_by = header.get("computed_by")
    if (materialized == "computed") != (computed_by is not None):
        raise ModelError(
            f"{path}: a computed model names the function that fills it (computed_by = "
            '"module:function"), and only a computed model does.'
        )
    columns = []
    for name, value in header.get("columns", {}).items():
        kind, words = (value, None) if isinstance(value, str) else (value[0], value[1])
        columns.append(Column(name, kind, words))
    return Model(
        name=path.stem,
        path=path,
        grain=" ".join(header.get("grain", "").split()),
        description=" ".join(header.get("description", "").split()),
        materialized=materialized,
        columns=tuple(columns),
        select=select,
        reads=frozenset(reads),
        params=frozenset(params),
        contract=tuple(header["contract"]) if "contract" in header else None,
        columns_from=header.get("columns_from"),
        selected=selected,
        computed_by=computed_by,
    )


def parse_select(select: str, where: object = "") -> tuple[set[str], set[str], tuple[str, ...]]:
    """(relations, parameters, column names) a SELECT uses and gives, read by DuckDB's
    parser: base tables that are not one of its common table expressions (`staging.x` for
    the staging database's), `$name`s, and the names of its select list (empty when one is
    `*` or has no name of its own)."""
    [(text,)] = _parser().cursor().execute("SELECT json_serialize_sql(?)", [select]).fetchall()
    tree = json.loads(text)
    if tree.get("error"):
        raise ModelError(f"{where}: its SQL does not parse ({tree.get('error_message')}).")
    tables, ctes, params = set(), set(), set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE":
                schema = node.get("schema_name") or ""
                tables.add(f"{schema}.{node['table_name']}" if schema else node["table_name"])
            if node.get("class") == "PARAMETER":
                params.add(node["identifier"])
            for entry in node.get("cte_map", {}).get("map", []):
                ctes.add(entry["key"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return tables - ctes, params, _selected(tree["statements"][0]["node"])


def _selected(node: dict) -> tuple[str, ...]:
    """The names a SELECT node's select list gives (a set operation: its left side's)."""
    while node and "select_list" not in node:
        node = node.get("left")
    names = []
    for item in (node or {}).get("select_list") or []:
        name = item.get("alias") or (
            item["column_names"][-1] if item.get("class") == "COLUMN_REF" else ""
        )
        if not name:
            return ()
        names.append(name)
    return tuple(names)


@functools.cache
def _parser() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB whose parser reads every model (a connection costs ~25 ms)."""
    return duckdb.connect()


def sql_literal(value: object) -> str:
    """A value as a SQL literal: text quoted, a list as a list, None as NULL (the `sql`
    filter of the templates: what a template writes into SQL is never pasted raw)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        items = ", ".join(sql_literal(item) for item in value)
        return f"[{items}]::VARCHAR[]" if all(isinstance(i, str) for i in value) else f"[{items}]"
    return "'" + str(value).replace("'", "''") + "'"


@functools.cache
def _environment() -> object:
    from jinja2 import Environment, StrictUndefined

    environment = Environment(undefined=StrictUndefined, keep_trailing_newline=True)
    environment.filters["sql"] = sql_literal
    environment.filters["toml"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return environment


def build_order(models: Iterable[Model]) -> list[Model]:
    """The models in an order in which each comes after every model it reads; what a model
    reads that is no model is a source, provided by the run (the staging database)."""
    by_name = {model.name: model for model in models}
    graph = {name: {r for r in model.reads if r in by_name} for name, model in by_name.items()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as cycle:
        loop = " -> ".join(cycle.args[1])
        raise ModelError(f"models read each other in a loop: {loop}.") from None
    return [by_name[name] for name in order]


def sources(models: Iterable[Model]) -> set[str]:
    """What the models read that no model makes: the run provides these."""
    models = list(models)
    made = {model.name for model in models}
    return {r for model in models for r in model.reads if r not in made}


def materialize(
    conn: duckdb.DuckDBPyConnection,
    model: Model,
    params: Mapping[str, object],
    append: bool = False,
) -> None:
    """Make `model` in `conn` from its SELECT, handing it the parameters it takes
    (`append`: an `append` model adds its SELECT's rows to the table it made before)."""
    missing = sorted(model.params - set(params))
    if missing:
        raise ModelError(f"{model.path}: the run gives no value for ${', $'.join(missing)}.")
    given = {name: params[name] for name in model.params}
    if model.materialized == "view":
        if given:
            raise ModelError(
                f"{model.path}: a view cannot take parameters (DuckDB's views are not "
                "prepared); make it a table."
            )
        conn.execute(f'CREATE OR REPLACE VIEW "{model.name}" AS {model.select}')
    elif model.materialized == "history":
        conn.execute(f'CREATE TABLE IF NOT EXISTS "{model.name}" AS {model.select}', given)
    elif model.materialized == "append" and append:
        conn.execute(f'INSERT INTO "{model.name}" BY NAME {model.select}', given)
    elif model.materialized == "computed":
        conn.execute(
            f'CREATE OR REPLACE TABLE "{model.name}" AS SELECT * FROM ({model.select}) WHERE false',
            given,
        )
        module, _, function = model.computed_by.partition(":")
        getattr(importlib.import_module(module), function)(conn, model.name)
    else:
        conn.execute(f'CREATE OR REPLACE TABLE "{model.name}" AS {model.select}', given)
    _enforce(conn, model)


def _enforce(conn: duckdb.DuckDBPyConnection, model: Model) -> None:
    """The relation just made has exactly the columns, in order and of the types, that its
    header states (as a dbt model contract is enforced)."""
    made = conn.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
        "AND schema_name = 'main' AND database_name = current_database() ORDER BY column_index",
        [model.name],
    ).fetchall()
    stated = [(column.name, column.type) for column in model.columns]
    if made != stated:
        differ = [f"{m} where it states {s}" for m, s in zip(made, stated, strict=False) if m != s]
        raise ModelError(
            f"{model.path}: the relation made has columns {made} but its header states "
            f"{stated} ({'; '.join(differ[:3]) or 'a different number of columns'})."
        )
