"""Forgiving spellings made canonical, vectorised, before the schema judges them.

Values that cannot be made canonical are left as given, so the schema rejects them and the
data provider sees their own text in the message. Codes are folded with the aliases of the
row's framework: `RI` is `requires_improvement` only where the framework says so.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.lazy import pd
from schemas.contract import BOOL_SPELLINGS, FRAMEWORK, SYNTHETIC, uk_to_iso
from schemas.frameworks import Framework


def _per_distinct(values: pd.Series, fold: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply `fold` to each distinct value once: code and boolean columns hold a handful of
    spellings in millions of rows, so this is what keeps normalising cheap."""
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    if len(distinct) == 0:
        return values
    folded = fold(pd.Series(distinct, dtype=str)).astype(str)
    # back to every row by position, in the column's own string type (missing stays missing)
    taken = pd.api.extensions.take(folded.array, codes, allow_fill=True)
    return pd.Series(taken, index=values.index)


def canonical_enum(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """`Requires  Improvement` -> `requires_improvement`; aliases such as `RI` resolved."""

    def fold(distinct: pd.Series) -> pd.Series:
        folded = distinct.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
        return folded.replace(aliases) if aliases else folded

    return _per_distinct(values, fold)


def canonical_bool(values: pd.Series) -> pd.Series:
    """Any accepted spelling -> `true`/`false`; anything else kept for the message."""

    def fold(distinct: pd.Series) -> pd.Series:
        lowered = distinct.str.lower()
        return lowered.map(BOOL_SPELLINGS).where(lowered.isin(BOOL_SPELLINGS.keys()), distinct)

    return _per_distinct(values, fold)


def normalise(rows: pd.DataFrame, framework: Framework | None) -> pd.DataFrame:
    """A copy of `rows` (all of one framework; None: a framework not known) with codes and
    booleans in canonical spelling, UK dates (`DD/MM/YYYY`, day first) written `YYYY-MM-DD`
    and `framework` naming the framework as its file does (`ncpi@2016`, also when empty)."""
    out = rows.copy()
    out["audit_date"] = uk_to_iso(rows["audit_date"])
    out[SYNTHETIC] = canonical_bool(rows[SYNTHETIC])
    if framework is None:
        return out
    out[FRAMEWORK] = pd.Series(framework.key, index=rows.index, dtype=str)
    out["category"] = canonical_enum(rows["category"], {})
    out["rating"] = canonical_enum(rows["rating"], framework.rating.aliases)
    force = framework.force_rating
    out["force_rating"] = canonical_enum(rows["force_rating"], force.aliases if force else {})
    for column in framework.columns:
        if column.type == "bool":
            out[column.name] = canonical_bool(rows[column.name])
        elif column.type == "date":
            out[column.name] = uk_to_iso(rows[column.name])
    return out
