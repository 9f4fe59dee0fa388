"""Build the warehouse's relations from their model files, in the graph's order, each only
when what it is made from changed: its SQL, the parameters it takes, what it reads.

A model's fingerprint is its SQL's digest, the values of its parameters (a file by its
content), the fingerprints of the models it reads and, when it reads the staging database,
the staging's fingerprint. A model whose fingerprint is the one it was last built with, and
whose relation is still there, is not built again: editing one model rebuilds it and what
reads it, nothing else. The models of one build change together (one transaction).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.progress import reporter
from pipeline.storage.build_state import remember, remembered
from pipeline.storage.literal import literal_path
from pipeline.storage.models import Model, materialize
from pipeline.warehouse.registry import macros_sql, models


@dataclass(frozen=True)
class FileParam:
    """A parameter that names a file: handed to SQL as a literal path (never a pattern),
    fingerprinted by the file's content."""

    path: Path

    def token(self) -> str:
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def _token(value: object) -> str:
    return value.token() if isinstance(value, FileParam) else repr(value)


def fingerprint(
    model: Model, params: Mapping[str, object], built: Mapping[str, str], staging: str
) -> str:
    """What `model` is made from, as one digest (see the module's docstring)."""
    digest = hashlib.sha256(model.digest.encode())
    for name in sorted(model.params):
        digest.update(f"${name}={_token(params[name])}\n".encode())
    for read in sorted(model.reads):
        digest.update(f"{read}={built.get(read, staging if '.' in read else '')}\n".encode())
    return digest.hexdigest()


@contextmanager
def literal_params(params: Mapping[str, object]) -> Iterator[dict[str, object]]:
    """The parameters as SQL takes them: a FileParam as a literal path, for the block."""
    with ExitStack() as stack:
        yield {
            name: stack.enter_context(literal_path(v.path)) if isinstance(v, FileParam) else v
            for name, v in params.items()
        }


def built_under_v1(path: Path) -> bool:
    """The published warehouse at `path` was built under contract v1.1: its case_audits has
    no framework column (a run rebuilds it from its input files)."""
    if not path.is_file():
        return False
    try:
        with duckdb.connect(str(path), read_only=True) as conn:
            columns = conn.execute(
                "SELECT list(column_name) FROM duckdb_columns() WHERE table_name = 'case_audits'"
            ).fetchone()[0]
    except duckdb.Error:
        return False
    return bool(columns) and "framework" not in columns


def present(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """The relations of the build database."""
    return {
        name
        for (name,) in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "UNION SELECT view_name FROM duckdb_views() WHERE database_name = current_database()"
        ).fetchall()
    }


def build_models(
    conn: duckdb.DuckDBPyConnection,
    chosen: Iterable[Model],
    params: Mapping[str, object],
    staging: str = "",
    append: bool = False,
) -> list[str]:
    """Build the `chosen` models that are not built from what they are made from yet, in
    build order, in one transaction; `staging` is the staging's fingerprint, `append` lets an
    `append` model add rows. Returns the names of the models built."""
    chosen = {model.name for model in chosen}
    conn.execute(macros_sql())
    built = {name: remembered(conn, f"model:{name}") or "" for name in models()}
    there = present(conn)
    todo: list[tuple[Model, str]] = []
    for model in models().values():
        if model.name not in chosen:
            continue
        made_from = fingerprint(model, params, built, staging)
        if built[model.name] == made_from and model.name in there:
            continue
        built[model.name] = made_from
        todo.append((model, made_from))
    if not todo:
        return []
    reporter().phase("building the warehouse's tables")
    # rows are added only to a table that the very same SQL made (asked before the
    # transaction: one transaction writes one database, and build_state is in staging's)
    adding = {
        m.name
        for m, _ in todo
        if append and m.name in there and remembered(conn, f"sql:{m.name}") == m.digest
    }
    with literal_params(params) as given:
        conn.execute("BEGIN TRANSACTION")
        try:
            for model, _ in todo:
                materialize(conn, model, given, append=model.name in adding)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    for model, made_from in todo:
        remember(conn, f"model:{model.name}", made_from)
        remember(conn, f"sql:{model.name}", model.digest)
    return [model.name for model, _ in todo]
