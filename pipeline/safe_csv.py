"""Every CSV the project writes goes through here: safe to open in a spreadsheet, written
atomically; and the one rule that makes a cell safe, which the dashboard's script applies to
its own downloads (`csv_rule()`, injected into the script before it is hashed).

The rule (CSV injection): a text cell gets a leading apostrophe, so a spreadsheet (Excel,
LibreOffice, Google Sheets) shows it as text instead of running it, when
- it starts with a tab or a carriage return (OWASP: Excel drops them and reads what follows), or
- its first character that is not blank (spaces of any width, line breaks, zero-width
  characters) is `=`, `+`, `-` or `@`, or the full-width `＝`, `＋`, `－`, `＠`: some
  spreadsheets skip blanks before a formula (LibreOffice Calc when its import trims spaces),
  and full-width signs become formula signs where a spreadsheet normalises them (East Asian
  input); no real name or count starts so, so the wider net costs nothing;
unless the whole cell is a plain number (`-3.5`, `+2`, `1e-3`): a spreadsheet reads that as a
number and never runs it, so it stays a number ("-3.5" in a column that mixes numbers and `c`).

The patterns are written in the syntax Python's `re` and JavaScript's `RegExp` read alike
(`[0-9]`, not `\\d`, which is Unicode-wide in Python; explicit code points, not `\\s`, which
the two define differently); `START` is matched at the start of the cell, `NUMBER` against
the whole cell.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.lazy import pd
from pipeline.storage.atomic import atomic_write

# blank before a formula: ASCII spaces and line breaks, no-break and other Unicode spaces,
# zero-width characters and the byte-order mark
BLANK = (
    r"\t\n\v\f\r \u0085\u00a0\u1680\u180e\u2000-\u200d\u2028\u2029\u202f\u205f\u2060"
    r"\u3000\ufeff"
)
START = rf"[\t\r]|[{BLANK}]*[=+\-@\uff1d\uff0b\uff0d\uff20]"
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
PREFIX = "'"


def csv_rule() -> dict[str, str]:
    """The rule as data, for the dashboard's script: the same patterns, the same prefix."""
    return {"start": START, "number": NUMBER, "prefix": PREFIX}


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell that a spreadsheet would run as a formula made plain text."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_string_dtype(values) or values.dtype == object:
            # judged once per distinct value: a feed repeats its keys on every row
            distinct = pd.Series(values.dropna().unique(), dtype=object).astype(str)
            flagged = distinct.str.match(START) & ~distinct.str.fullmatch(NUMBER)
            text = values.astype(str)
            risky = text.isin(set(distinct[flagged.astype(bool)])) & values.notna()
            if risky.any():
                out[column] = values.where(~risky, PREFIX + text)
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
