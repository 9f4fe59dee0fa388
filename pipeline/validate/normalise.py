"""Forgiving spellings made canonical, vectorised, before the schema judges them.

Values that cannot be made canonical are left as given, so the schema rejects them and the
data provider sees their own text in the message.
"""

from __future__ import annotations

import pandas as pd

from schemas.case_audit import BOOL_COLUMNS, BOOL_SPELLINGS, ENUM_ALIASES


def canonical_enum(values: pd.Series, aliases: dict[str, str]) -> pd.Series:
    """`Requires  Improvement` -> `requires_improvement`; aliases such as `RI` resolved."""
    folded = values.str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    return folded.replace(aliases) if aliases else folded


def canonical_bool(values: pd.Series) -> pd.Series:
    """Any accepted spelling -> `true`/`false`; anything else kept for the message."""
    lowered = values.str.lower()
    return lowered.map(BOOL_SPELLINGS).where(lowered.isin(BOOL_SPELLINGS.keys()), values)


def normalise(rows: pd.DataFrame) -> pd.DataFrame:
    """A copy of `rows` with enum and boolean columns in canonical spelling."""
    out = rows.copy()
    for column, aliases in ENUM_ALIASES.items():
        out[column] = canonical_enum(rows[column], aliases)
    for column in BOOL_COLUMNS:
        out[column] = canonical_bool(rows[column])
    return out
