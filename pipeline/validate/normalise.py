"""Forgiving spellings made canonical, vectorised, before the schema judges them.

Values that cannot be made canonical are left as given, so the schema rejects them and the
data provider sees their own text in the message.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.lazy import pd
from schemas.case_audit import BOOL_COLUMNS, BOOL_SPELLINGS, ENUM_ALIASES, uk_to_iso


def _per_distinct(values: pd.Series, fold: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply `fold` to each distinct value once: enum and boolean columns hold a handful of
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


def normalise(rows: pd.DataFrame) -> pd.DataFrame:
    """A copy of `rows` with enum and boolean columns in canonical spelling and UK dates
    (`DD/MM/YYYY`, day first) written `YYYY-MM-DD`."""
    out = rows.copy()
    out["audit_date"] = uk_to_iso(rows["audit_date"])
    for column, aliases in ENUM_ALIASES.items():
        out[column] = canonical_enum(rows[column], aliases)
    for column in BOOL_COLUMNS:
        out[column] = canonical_bool(rows[column])
    return out
