"""Every CSV the project writes goes through here: safe to open in Excel, written atomically.

A cell that starts with `=`, `+`, `-`, `@`, tab or carriage return is a formula to Excel
(CSV injection); such text cells get a leading apostrophe, which Excel shows as text. Only
text columns are touched: a negative number stays a number.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell that Excel would run as a formula made plain text."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_string_dtype(values) or values.dtype == object:
            text = values.astype(str)
            risky = values.notna() & text.str.startswith(FORMULA_STARTS)
            out[column] = values.where(~risky, "'" + text)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write `frame` as UTF-8 CSV (with BOM, so Excel reads it right), replacing atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        neutralise_formulas(frame).to_csv(
            temporary, index=False, encoding="utf-8-sig", lineterminator="\r\n"
        )
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
