"""Every CSV the project writes goes through here: safe to open in Excel, written atomically.

A cell that starts with `=`, `+`, `-`, `@`, tab or carriage return is a formula to Excel
(CSV injection); such text cells get a leading apostrophe, which Excel shows as text. Numbers
are left alone, also when written as text ("-3.5" in a column that mixes numbers and `c`).
"""

from __future__ import annotations

from pathlib import Path

from pipeline.lazy import pd
from pipeline.storage.atomic import atomic_write

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell that Excel would run as a formula made plain text."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_string_dtype(values) or values.dtype == object:
            text = values.astype(str)
            number = text.str.fullmatch(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")
            risky = values.notna() & text.str.startswith(FORMULA_STARTS) & ~number
            out[column] = values.where(~risky, "'" + text)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write `frame` as UTF-8 CSV (with BOM, so Excel reads it right), replacing atomically."""
    safe = neutralise_formulas(frame)
    return atomic_write(
        path,
        lambda temporary: safe.to_csv(
            temporary, index=False, encoding="utf-8-sig", lineterminator="\r\n"
        ),
    )
