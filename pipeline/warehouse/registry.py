"""The warehouse's relations, read from their files: every `models/*.sql` of a layer of the
package (pipeline/<layer>/models/), each one relation with its description beside its SQL
(pipeline/storage/models.py), and what they share: the glossary of column words, the macros
and their words. The headline metrics are the frameworks' (schemas/frameworks/).

Nothing is declared twice: a relation's inputs are read from its SQL, the build order from
that graph, its columns' words from its header (or, for shared names, the glossary). Adding a
relation is adding its file. The files are Jinja templates, rendered with `context()`: the
frameworks and the small-numbers minimum, stated once where they are defined.
"""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from pathlib import Path

from pipeline.storage.models import Model, ModelError, build_order, load_model, render
from schemas.frameworks import catalogue
from schemas.quantifiers import GROUPS, rulebook

PACKAGE = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
GLOSSARY = HERE / "glossary.toml"
MACROS = HERE / "sql" / "macros.sql"
SMALL_NUMBERS_MINIMUM = 10  # the fewest cases a published percentage rests on


def context() -> dict[str, object]:
    """What the model files are rendered with: the frameworks (their columns, metrics,
    queries and predicates: schemas/frameworks.py), the small-numbers minimum and the
    rulebook of verbal quantifiers (schemas/quantifiers.py)."""
    return catalogue().context() | {
        "small_numbers_minimum": SMALL_NUMBERS_MINIMUM,
        "quantifiers": rulebook(),
        "quantifier_groups": list(GROUPS),
    }


def models() -> dict[str, Model]:
    """Every relation of the warehouse, by name, in build order (a model after what it
    reads), rendered with the frameworks known now."""
    return _models(catalogue().digest)


@functools.lru_cache(maxsize=4)
def _models(digest: str) -> dict[str, Model]:
    found = [
        load_model(path, context())
        for folder in sorted(PACKAGE.glob("*/models"))
        for path in sorted(folder.glob("*.sql"))
    ]
    names = [model.name for model in found]
    if len(set(names)) != len(names):
        twice = sorted({name for name in names if names.count(name) > 1})
        raise ValueError(f"two model files for {', '.join(twice)}: one relation, one file.")
    by_name = {model.name: model for model in found}
    done: dict[str, Model] = {}

    def resolved(name: str) -> Model:  # a source may take its columns from another
        if name not in done:
            model = by_name[name]
            source = model.columns_from
            done[name] = _with_columns_of(model, resolved(source)) if source else model
        return done[name]

    found = [resolved(model.name) for model in found]
    return {model.name: model for model in build_order(found)}


def _with_columns_of(model: Model, source: Model) -> Model:
    """`model` with the columns of `source` it selects (its SELECT's names, in its order; all
    of them for `*`), types and words stated once there; a column it makes itself is in its
    own [columns]."""
    own = {column.name: column for column in model.columns}
    given = {column.name: column for column in source.columns}
    names = model.selected or tuple(given)
    unknown = [name for name in names if name not in own and name not in given]
    if unknown:
        raise ModelError(
            f"{model.path}: {', '.join(unknown)} is neither a column of {source.name} nor in "
            "its own [columns]."
        )
    return dataclasses.replace(model, columns=tuple(own.get(n) or given[n] for n in names))


def layer_of(model: Model) -> str:
    """The layer whose `models/` folder holds the model (validate, warehouse, reconcile, ...)."""
    return model.path.parent.parent.name


def in_layers(*layers: str) -> list[Model]:
    """The models of these layers, in build order."""
    return [model for model in models().values() if layer_of(model) in layers]


def glossary() -> dict[str, str]:
    """Words for columns that mean the same wherever they appear (glossary.toml)."""
    return _glossary(catalogue().digest)


@functools.lru_cache(maxsize=4)
def _glossary(digest: str) -> dict[str, str]:
    return {k: " ".join(v.split()) for k, v in tomllib.loads(render(GLOSSARY, context())).items()}


def column_words(model: Model, column: str) -> str:
    """What `column` of `model` holds, in words (its own, else the glossary's)."""
    for entry in model.columns:
        if entry.name == column:
            return " ".join((entry.description or glossary()[column]).split())
    raise KeyError(f"{model.name}.{column} is not described in {model.path}")


@functools.cache
def macros_sql() -> str:
    """The macros' statements (sql/macros.sql), rendered."""
    return render(MACROS, {"small_numbers_minimum": SMALL_NUMBERS_MINIMUM}).split("*/", 1)[1]


@functools.cache
def macro_words() -> dict[str, str]:
    """What each macro computes, in words, from the header of sql/macros.sql."""
    header = render(MACROS, {"small_numbers_minimum": SMALL_NUMBERS_MINIMUM})
    header = header.split("*/", 1)[0].removeprefix("/*")
    return {k: " ".join(v.split()) for k, v in tomllib.loads(header)["macros"].items()}
