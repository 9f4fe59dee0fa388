"""Audit frameworks as data: one TOML file per framework version (`<name>@<version>.toml`).

A framework says what an audit rates and how: the rating scale (levels best first, which
count as not good), the force's own scale, the categories, the columns beyond the core ones
(with when each is required or must stay empty), the framework's own rule messages and
queries, and its metrics as SQL expressions over one case. The shipped ones live beside this
module (`frameworks/`); an operator adds more in CASE_AUDIT_FRAMEWORKS_DIR without a code
change (docs/frameworks.md).

A file is checked whole before anything runs (`catalogue()`): an unknown key, a level twice,
a `not_good` level that is no level, a metric named twice, `comparable_with` naming no known
framework, two files for one `name@version`, an expression that is not a boolean over the
case's columns (schemas/expressions.py): each refuses the run with one sentence naming the
file, the key and what to fix.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import CaseAuditError
from schemas.contract import CORE_COLUMNS, CORE_TYPES, RESERVED_NAMES
from schemas.expressions import ExpressionError, check_expression

SHIPPED = Path(__file__).resolve().parent / "frameworks"
DEFAULT = "ncpi@2016"  # the framework of a row that names none (contract v1.1 files)
NAME = re.compile(r"[a-z0-9_-]{2,32}")
VERSION = re.compile(r"[A-Za-z0-9_.-]{1,32}")
CODE = re.compile(r"[a-z][a-z0-9_]{0,47}")
TYPES = {"bool": "BOOLEAN", "integer": "INTEGER", "text": "VARCHAR", "date": "DATE"}
PREDICATES = ("not_good", "favourable")  # the two predicates every expression may use

KEYS = {
    "": {
        "name",
        "version",
        "title",
        "description",
        "comparable_with",
        "rating",
        "force_rating",
        "categories",
        "columns",
        "rules",
        "queries",
        "metrics",
        "example_cases",
        "examples",
    },
    "rating": {"levels", "not_good", "labels", "aliases"},
    "force_rating": {"levels", "favourable", "labels", "aliases"},
    "columns": {
        "type",
        "required_when",
        "empty_unless",
        "label",
        "description",
        "minimum",
        "maximum",
        "missing_rule",
        "not_applicable_rule",
        "invalid_rule",
    },
    "queries": {"code", "column", "when", "message"},
    "metrics": {"name", "label", "numerator", "denominator", "description", "trend", "overview"},
    "examples": {"rule", "case", "changes", "passes"},
}
REQUIRED_KEYS = {
    "": ("name", "version", "title", "rating", "categories", "metrics"),
    "rating": ("levels", "not_good"),
    "force_rating": ("levels", "favourable"),
    "columns": ("type", "label"),
    "queries": ("code", "column", "when", "message"),
    "metrics": ("name", "label", "numerator", "denominator"),
    "examples": ("rule", "changes"),
}


class FrameworkError(CaseAuditError):
    """A framework file that cannot be used: the file, the key and what to fix."""


@dataclass(frozen=True)
class Scale:
    """A rating scale: its levels best first, their labels, and the aliases read as them
    (keys folded: lower case, spaces and hyphens as `_`; `shown` as written, for messages)."""

    levels: tuple[str, ...]
    labels: dict[str, str]
    aliases: dict[str, str]
    shown_aliases: tuple[str, ...]
    marked: tuple[str, ...]  # rating: the not-good levels; force rating: the favourable ones


@dataclass(frozen=True)
class FrameworkColumn:
    """A column of the framework beyond the core ones."""

    name: str
    type: str  # bool | integer | text | date
    label: str
    description: str
    required_when: str | None = None  # "true": always required; None: optional
    empty_unless: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    missing_rule: str | None = None
    not_applicable_rule: str | None = None
    invalid_rule: str | None = None

    @property
    def sql_type(self) -> str:
        return TYPES[self.type]

    @property
    def always_required(self) -> bool:
        return (self.required_when or "").strip().lower() == "true"


@dataclass(frozen=True)
class Metric:
    """A headline metric: SQL over one case (a case counts in the numerator only if it is in
    the denominator too) and its words for readers."""

    name: str
    label: str
    numerator: str
    denominator: str
    description: str
    trend: bool = False  # drawn over time on the dashboard
    overview: bool = False  # the dashboard's overview (funnel plot): at most one per framework


@dataclass(frozen=True)
class Query:
    """A row worth a second look: flagged for its provider, nothing held back."""

    code: str
    column: str
    when: str
    message: str


@dataclass(frozen=True, eq=False)
class Framework:
    """One framework version, as its file states it (equal only to itself: the catalogue
    reads each file once while it is unchanged)."""

    name: str
    version: str
    title: str
    description: str
    comparable_with: tuple[str, ...]
    rating: Scale
    force_rating: Scale | None
    categories: dict[str, str]  # code -> label, in the file's order
    columns: tuple[FrameworkColumn, ...]
    rules: dict[str, str]  # the messages of the rules its columns name
    queries: tuple[Query, ...]
    metrics: tuple[Metric, ...]
    example_cases: dict[str, dict[str, object]]
    examples: tuple[dict, ...]
    path: Path
    sha256: str
    shipped: bool

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def not_good(self) -> tuple[str, ...]:
        return self.rating.marked

    @property
    def favourable(self) -> tuple[str, ...]:
        return self.force_rating.marked if self.force_rating else ()

    @property
    def force_levels(self) -> tuple[str, ...]:
        return self.force_rating.levels if self.force_rating else ()

    def column(self, name: str) -> FrameworkColumn:
        return next(column for column in self.columns if column.name == name)

    def types(self) -> dict[str, str]:
        """Every column a case of this framework has, with its DuckDB type, and the two
        predicates: what its expressions may name (a framework without a force rating has
        neither `force_rating` nor `favourable` to name: they would always be empty)."""
        found = (
            dict(CORE_TYPES)
            | {column.name: column.sql_type for column in self.columns}
            | dict.fromkeys(PREDICATES, "BOOLEAN")
        )
        if self.force_rating is None:
            del found["force_rating"], found["favourable"]
        return found

    def codes(self) -> dict[str, tuple[str, ...]]:
        """The coded columns and their codes."""
        return {
            "category": tuple(self.categories),
            "rating": self.rating.levels,
            "force_rating": self.force_levels,
        }


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Every framework known to a run: the shipped ones and the operator's."""

    frameworks: dict[str, Framework] = field(default_factory=dict)  # by key, shipped first

    def __getitem__(self, key: str) -> Framework:
        return self.frameworks[key]

    def __iter__(self) -> Iterator[Framework]:
        return iter(self.frameworks.values())

    @property
    def default(self) -> Framework:
        return self.frameworks[DEFAULT]

    def find(self, written: str | None) -> Framework | None:
        """The framework a cell names (`NCPI@2016` too: case is forgiven), or None."""
        if written is None or not str(written).strip():
            return self.default
        folded = {key.lower(): framework for key, framework in self.frameworks.items()}
        return folded.get(str(written).strip().lower())

    @property
    def digest(self) -> str:
        """What the catalogue is: every framework's key and file hash."""
        return hashlib.sha256("\n".join(f"{f.key}#{f.sha256}" for f in self).encode()).hexdigest()

    def columns(self) -> dict[str, FrameworkColumn]:
        """Every framework column by name, in the order the frameworks declare them (a name
        several frameworks share has one type: checked when the catalogue is made)."""
        found: dict[str, FrameworkColumn] = {}
        for framework in self:
            for column in framework.columns:
                found.setdefault(column.name, column)
        return found

    def context(self) -> dict[str, object]:
        """What the SQL templates are rendered with: the frameworks, every framework column
        (the union: a case has the columns of its own framework, NULL in the others), and
        the default framework."""
        return {
            "frameworks": tuple(self),
            "framework_columns": tuple(self.columns().values()),
            "framework_words": {name: self.words(name) for name in self.columns()},
            "default_framework": DEFAULT,
            "predicates": self.predicates(),
        }

    def predicates(self) -> str:
        """The two predicates as SQL columns of a case, by its framework: `not_good` (its
        rating is one of the framework's not-good levels) and `favourable` (the force rated
        it one of the favourable levels; false when the force gave no rating)."""

        def listed(levels: tuple[str, ...]) -> str:
            return ", ".join("'" + level + "'" for level in levels) or "NULL"

        not_good = " ".join(f"WHEN '{f.key}' THEN rating IN ({listed(f.not_good)})" for f in self)
        favourable = " ".join(
            f"WHEN '{f.key}' THEN coalesce(force_rating IN ({listed(f.favourable)}), false)"
            for f in self
        )
        return (
            f"CASE framework {not_good} END AS not_good, "
            f"CASE framework {favourable} END AS favourable"
        )

    def words(self, column: str) -> str:
        """What a framework column holds, in words, and under which frameworks."""
        having = [f for f in self if any(c.name == column for c in f.columns)]
        described = having[0].column(column)
        text = described.description or described.label
        return f"{text} A column of {', '.join(f.key for f in having)}: NULL for other frameworks."

    def comparable(self, first: str, second: str) -> bool:
        """Figures of `first` may be trended against `second`'s (either names the other)."""
        if first == second:
            return True
        a, b = self.frameworks.get(first), self.frameworks.get(second)
        return bool((a and second in a.comparable_with) or (b and first in b.comparable_with))


# ---------------------------------------------------------------- reading one file


class _Reader:
    """Reads one framework file's table, refusing anything unexpected with a sentence that
    names the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, what: str) -> FrameworkError:
        return FrameworkError(
            f"Framework file {self.path}: {key}: {what}. Nothing was run; correct the file "
            "(docs/frameworks.md)."
        )

    def keys(self, table: object, section: str, where: str) -> dict:
        if not isinstance(table, dict):
            raise self.fail(where or "the file", "must be a table of keys")
        unknown = sorted(set(table) - KEYS[section])
        if unknown:
            raise self.fail(
                f"{where}.{unknown[0]}" if where else unknown[0],
                f"is not a key of a framework file (the keys here are "
                f"{', '.join(sorted(KEYS[section]))})",
            )
        for key in REQUIRED_KEYS.get(section, ()):
            if key not in table:
                raise self.fail(f"{where}.{key}" if where else key, "is required; add it")
        return table

    def text(self, value: object, key: str, pattern: re.Pattern | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be text, not empty")
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(key, f"{value!r} must match {pattern.pattern}")
        return value

    def texts(self, value: object, key: str, pattern: re.Pattern | None = None) -> tuple:
        if not isinstance(value, list):
            raise self.fail(key, 'must be a list of text, e.g. ["good", "inadequate"]')
        items = tuple(self.text(item, f"{key}[{i}]", pattern) for i, item in enumerate(value))
        twice = sorted({item for item in items if items.count(item) > 1})
        if twice:
            raise self.fail(key, f"names {twice[0]!r} twice; name each once")
        return items

    def scale(self, table: object, key: str, marked_key: str) -> Scale:
        table = self.keys(table, key, key)
        levels = self.texts(table["levels"], f"{key}.levels", CODE)
        if not levels:
            raise self.fail(f"{key}.levels", "names no level; list them best first")
        marked = self.texts(table[marked_key], f"{key}.{marked_key}", CODE)
        for level in marked:
            if level not in levels:
                raise self.fail(
                    f"{key}.{marked_key}",
                    f"names {level!r}, which is not one of {key}.levels "
                    f"({', '.join(levels)}); use levels from that list",
                )
        labels = self.codes(table.get("labels", {}), f"{key}.labels", levels)
        aliases: dict[str, str] = {}
        shown: list[str] = []
        for written, level in self.mapping(table.get("aliases", {}), f"{key}.aliases").items():
            if level not in levels:
                raise self.fail(
                    f"{key}.aliases.{written}",
                    f"reads as {level!r}, which is not one of {key}.levels",
                )
            folded = fold(written)
            if folded in levels or folded in aliases:
                raise self.fail(f"{key}.aliases.{written}", "is already a level or an alias")
            aliases[folded] = level
            shown.append(written)
        return Scale(
            levels,
            {level: labels.get(level) or words(level) for level in levels},
            aliases,
            tuple(shown),
            marked,
        )

    def mapping(self, table: object, key: str) -> dict[str, str]:
        if not isinstance(table, dict):
            raise self.fail(key, 'must be a table of `code = "text"`')
        return {k: self.text(v, f"{key}.{k}") for k, v in table.items()}

    def codes(self, table: object, key: str, allowed: tuple[str, ...]) -> dict[str, str]:
        found = self.mapping(table, key)
        for code in found:
            if code not in allowed:
                raise self.fail(f"{key}.{code}", f"is not one of {', '.join(allowed)}")
        return found


def fold(text: str) -> str:
    """How a code or alias is matched: lower case, runs of spaces and hyphens as `_`."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


def words(code: str) -> str:
    """`requires_improvement` -> `Requires improvement`: a label nobody wrote."""
    return code.replace("_", " ").capitalize()


def load_framework(path: Path, shipped: bool = False) -> Framework:
    """One framework file, read and checked on its own (`check_catalogue` checks what needs
    the others)."""
    reader = _Reader(path)
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as problem:
        raise reader.fail("the file", f"is not UTF-8 TOML ({problem})") from None
    data = reader.keys(data, "", "")
    name = reader.text(data["name"], "name", NAME)
    version = reader.text(data["version"], "version", VERSION)
    if path.name != f"{name}@{version}.toml":
        raise reader.fail(
            "name", f"the file must be named {name}@{version}.toml, as its name and version say"
        )
    rating = reader.scale(data["rating"], "rating", "not_good")
    force_rating = (
        reader.scale(data["force_rating"], "force_rating", "favourable")
        if "force_rating" in data
        else None
    )
    categories = reader.mapping(data["categories"], "categories")
    if not categories:
        raise reader.fail("categories", 'names no category; add `code = "label"` lines')
    for code in categories:
        reader.text(code, f"categories.{code}", CODE)
    columns = tuple(_column(reader, name, table) for name, table in _table(reader, data, "columns"))
    rules = reader.mapping(data.get("rules", {}), "rules")
    for code in rules:
        reader.text(code, f"rules.{code}", CODE)
    queries = tuple(
        Query(**reader.keys(entry, "queries", f"queries[{i}]"))
        for i, entry in enumerate(_list(reader, data, "queries"))
    )
    metrics = tuple(
        Metric(
            **{
                "description": "",
                **reader.keys(entry, "metrics", f"metrics[{i}]"),
            }
        )
        for i, entry in enumerate(_list(reader, data, "metrics"))
    )
    names = [metric.name for metric in metrics]
    for i, metric in enumerate(metrics):
        reader.text(metric.name, f"metrics[{i}].name", re.compile(r"[a-z0-9_]{1,48}"))
        for key in ("trend", "overview"):
            if not isinstance(getattr(metric, key), bool):
                raise reader.fail(f"metrics[{i}].{key}", "must be true or false")
        if metric.name in names[:i]:
            raise reader.fail(
                f"metrics[{i}].name",
                f"{metric.name!r} is named twice (also metrics[{names.index(metric.name)}]); "
                "a metric is named once",
            )
    overviews = [metric.name for metric in metrics if metric.overview]
    if len(overviews) > 1:
        raise reader.fail(
            f"metrics[{names.index(overviews[1])}].overview",
            f"{overviews[1]!r} and {overviews[0]!r} both set overview = true; the overview "
            "shows one metric, set it on one",
        )
    examples = tuple(
        reader.keys(entry, "examples", f"examples[{i}]")
        for i, entry in enumerate(_list(reader, data, "examples"))
    )
    framework = Framework(
        name=name,
        version=version,
        title=reader.text(data["title"], "title"),
        description=str(data.get("description", "")),
        comparable_with=reader.texts(data.get("comparable_with", []), "comparable_with"),
        rating=rating,
        force_rating=force_rating,
        categories=categories,
        columns=columns,
        rules=rules,
        queries=queries,
        metrics=metrics,
        example_cases=_example_cases(reader, data.get("example_cases", {})),
        examples=examples,
        path=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        shipped=shipped,
    )
    _check_expressions(reader, framework)
    _check_rules(reader, framework)
    return framework


def _list(reader: _Reader, data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise reader.fail(key, f"must be written as [[{key}]] tables")
    return value


def _table(reader: _Reader, data: dict, key: str) -> list[tuple[str, dict]]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise reader.fail(key, f"must be written as [{key}.<name>] tables")
    return list(value.items())


def _column(reader: _Reader, name: str, table: object) -> FrameworkColumn:
    key = f"columns.{name}"
    table = reader.keys(table, "columns", key)
    reader.text(name, key, CODE)
    if name in CORE_COLUMNS or name in RESERVED_NAMES or name in PREDICATES:
        raise reader.fail(key, f"{name!r} is a core column or a reserved name; choose another")
    if table["type"] not in TYPES:
        raise reader.fail(f"{key}.type", f"must be one of {', '.join(TYPES)}")
    for bound in ("minimum", "maximum"):
        if bound in table and (table["type"] != "integer" or not isinstance(table[bound], int)):
            raise reader.fail(f"{key}.{bound}", "is a whole number, for an integer column only")
    if table.get("minimum", -math.inf) > table.get("maximum", math.inf):
        raise reader.fail(
            f"{key}.minimum",
            f"{table['minimum']} is above maximum {table['maximum']}; no value could pass",
        )
    for rule in ("missing_rule", "not_applicable_rule", "invalid_rule"):
        if rule in table:
            reader.text(table[rule], f"{key}.{rule}", CODE)
    for condition in ("required_when", "empty_unless"):
        if condition in table:
            reader.text(table[condition], f"{key}.{condition}")
    return FrameworkColumn(
        name=name,
        type=table["type"],
        label=reader.text(table["label"], f"{key}.label"),
        description=str(table.get("description", "")),
        **{k: table[k] for k in KEYS["columns"] - {"type", "label", "description"} if k in table},
    )


def _example_cases(reader: _Reader, table: object) -> dict[str, dict[str, object]]:
    """The valid cases the examples are written against: `case`, and kinds that change it."""
    if not isinstance(table, dict) or any(not isinstance(c, dict) for c in table.values()):
        raise reader.fail("example_cases", "must be a table of cases (`kind = { column = ... }`)")
    return {kind: dict(case) for kind, case in table.items()}


def _check_expressions(reader: _Reader, framework: Framework) -> None:
    """Every expression of the file: a boolean over the case's columns and the predicates."""
    types, codes = framework.types(), framework.codes()
    checked = [
        *(
            (f"columns.{c.name}.{k}", getattr(c, k))
            for c in framework.columns
            for k in ("required_when", "empty_unless")
            if getattr(c, k) is not None
        ),
        *(
            (f"metrics[{i}] ({m.name}).{k}", getattr(m, k))
            for i, m in enumerate(framework.metrics)
            for k in ("numerator", "denominator")
        ),
        *((f"queries[{i}] ({q.code}).when", q.when) for i, q in enumerate(framework.queries)),
    ]
    for key, expression in checked:
        try:
            check_expression(expression, types, codes)
        except ExpressionError as problem:
            raise reader.fail(key, f"the expression {expression!r} is refused: {problem}") from None


def _check_rules(reader: _Reader, framework: Framework) -> None:
    """Rule codes name rules, and every rule a column names has a message (or a default)."""
    named = {
        getattr(c, k)
        for c in framework.columns
        for k in ("missing_rule", "not_applicable_rule", "invalid_rule")
        if getattr(c, k)
    }
    for code in framework.rules:
        if code not in named:
            raise reader.fail(
                f"rules.{code}",
                "is a message for a rule no column names (missing_rule, not_applicable_rule "
                "or invalid_rule); name it on a column or remove it",
            )
    columns = {c.name for c in framework.columns} | set(CORE_COLUMNS)
    codes = [q.code for q in framework.queries]
    for i, query in enumerate(framework.queries):
        reader.text(query.code, f"queries[{i}].code", re.compile(r"query_[a-z0-9_]{1,48}"))
        if codes.count(query.code) > 1:
            raise reader.fail(f"queries[{i}].code", f"{query.code!r} is used twice")
        if query.column not in columns:
            raise reader.fail(f"queries[{i}].column", f"{query.column!r} is not a column")


# ---------------------------------------------------------------- the catalogue


def frameworks_dir() -> Path:
    """The operator's framework folder (CASE_AUDIT_FRAMEWORKS_DIR, default data/frameworks)."""
    from pipeline.settings import resolve_path, setting

    return resolve_path(setting("frameworks_dir"))


def _listing(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What a folder's framework files are, cheaply: name, size and change time of each."""
    if not folder.is_dir():
        return ()
    found = []
    for path in sorted(folder.glob("*.toml")):
        stat = path.stat()
        found.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def catalogue() -> Catalogue:
    """Every framework: the shipped ones, then the operator's (re-read when the folder's
    files change, so a long-lived process sees an edited framework)."""
    folder = frameworks_dir()
    if not folder.is_dir() and os.environ.get("CASE_AUDIT_FRAMEWORKS_DIR") is not None:
        raise FrameworkError(
            f"CASE_AUDIT_FRAMEWORKS_DIR names {folder}, which is not a folder; create it (one "
            "name@version.toml per framework) or unset the variable. Nothing was run."
        )
    return _catalogue(str(folder), _listing(SHIPPED), _listing(folder))


@functools.lru_cache(maxsize=8)
def _catalogue(folder: str, shipped: tuple, listing: tuple) -> Catalogue:
    found: dict[str, Framework] = {}
    # the default first, then the others by name: the order they are listed and shown in
    shipped = sorted(shipped, key=lambda entry: (entry[0] != f"{DEFAULT}.toml", entry[0]))
    paths = [(SHIPPED / name, True) for name, _, _ in shipped]
    if Path(folder).resolve() != SHIPPED:
        paths += [(Path(folder) / name, False) for name, _, _ in listing]
    for path, is_shipped in paths:
        framework = load_framework(path, is_shipped)
        same = next((f for f in found.values() if f.key.lower() == framework.key.lower()), None)
        if same is not None:
            raise FrameworkError(
                f"Framework file {path}: name and version: {framework.key} is also defined by "
                f"{same.path}; one name@version is one file (give this one a new version). "
                "Nothing was run."
            )
        found[framework.key] = framework
    if DEFAULT not in found:  # pragma: no cover - the package ships it
        raise FrameworkError(f"the shipped framework {DEFAULT} is missing from {SHIPPED}.")
    result = Catalogue(found)
    check_catalogue(result)
    return result


def check_catalogue(catalogue: Catalogue) -> None:
    """What one file cannot check alone: `comparable_with` names known frameworks, and a
    column several frameworks share has one type."""
    for framework in catalogue:
        reader = _Reader(framework.path)
        for i, other in enumerate(framework.comparable_with):
            if other not in catalogue.frameworks:
                raise reader.fail(
                    f"comparable_with[{i}]",
                    f"names {other!r}, which is no known framework (known: "
                    f"{', '.join(catalogue.frameworks)})",
                )
            if other == framework.key:
                raise reader.fail(f"comparable_with[{i}]", "names the framework itself")
    typed: dict[str, tuple[str, Framework]] = {}
    for framework in catalogue:
        for column in framework.columns:
            kind, first = typed.setdefault(column.name, (column.type, framework))
            if kind != column.type:
                raise _Reader(framework.path).fail(
                    f"columns.{column.name}.type",
                    f"is {column.type}, but {first.key} ({first.path}) has the column as "
                    f"{kind}; a column shared by frameworks has one type (rename one)",
                )
