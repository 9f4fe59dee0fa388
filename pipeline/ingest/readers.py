"""One reader per accepted format, each giving the header cells and an all-text body.

Row numbers are the ones a person sees in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.errors import FileRefused

ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
EXCEL_SHEET = "cases"


@dataclass
class RawTable:
    """A file as read: header cells, body cells as text (positional columns), row numbers."""

    headers: list[str]
    body: pd.DataFrame
    source_row: pd.Series


# what a file that is not text really is, by its first bytes
MAGIC_NUMBERS = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an Excel workbook saved as .xlsx?)",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Word file",
    b"PAR1": "a Parquet file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
}
# a valid UTF-8 sequence of two or more bytes
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_EXTRA_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _unreadable(why: str) -> FileRefused:
    return FileRefused("file_unreadable", f"{why}; save it as UTF-8 CSV, XLSX or Parquet.")


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as Excel writes it; else refused."""
    for magic, what in MAGIC_NUMBERS.items():
        if data.startswith(magic):
            raise _unreadable(f"the file is {what}, not comma-separated text")
    if b"\x00" in data:
        line = _line_of(data, data.index(0))
        raise _unreadable(f"the file is binary, not text (NUL byte on line {line})")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
    if _UTF8_MULTIBYTE.search(data):
        raise _unreadable(
            f"the file mixes UTF-8 with another encoding (byte 0x{data[bad]:02x} on line "
            f"{_line_of(data, bad)} is not UTF-8, but other lines are); re-save the whole file "
            "as UTF-8"
        )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _unreadable(
            f"byte 0x{data[exc.start]:02x} on line {_line_of(data, exc.start)} is neither "
            "UTF-8 nor Windows-1252 text"
        ) from None


def _parse_csv(text: str, width: int | None) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO(text),
        header=None,
        names=range(width) if width else None,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        quoting=csv.QUOTE_MINIMAL,
    )


def read_csv(path: Path) -> RawTable:
    """A comma-separated file; every cell read as text, nothing guessed.

    Rows with more cells than the header are kept: their extra cells arrive as positional
    columns beyond the header, for validation to quarantine the row (`extra_cells`).
    """
    text = decode_text(path.read_bytes())
    first_line = text.splitlines()[0] if text else ""
    if ";" in first_line and "," not in first_line:
        raise _unreadable("the file is separated by semicolons, not commas")
    if "\t" in first_line and "," not in first_line:
        raise _unreadable("the file is separated by tabs, not commas")
    width = None
    while True:
        try:
            frame = _parse_csv(text, width)
            break
        except pd.errors.EmptyDataError:
            raise FileRefused(
                "file_no_rows", "the file is empty; add a header row and cases."
            ) from None
        except pd.errors.ParserError as exc:
            wider = _EXTRA_FIELDS.search(str(exc))
            if not wider or (width and int(wider.group(3)) <= width):
                raise _unreadable(f"it is not a regular comma-separated table ({exc})") from None
            width = int(wider.group(3))
    if width:  # the header row was read with padding: blank it out beyond its real cells
        frame.iloc[0] = frame.iloc[0].fillna("")
    headers = frame.iloc[0].tolist()
    body = frame.iloc[1:].fillna("").reset_index(drop=True)
    return RawTable(headers, body, pd.Series(range(2, len(body) + 2), dtype="int64"))


def _excel_cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path) -> RawTable:
    """The sheet named `cases` (any case), else the first sheet."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not XLSX
        raise _unreadable(f"it is not a readable Excel workbook ({type(exc).__name__})") from None
    try:
        sheets = {name.strip().lower(): name for name in workbook.sheetnames}
        sheet = workbook[sheets.get(EXCEL_SHEET, workbook.sheetnames[0])]
        rows = [
            (number, [_excel_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    if not rows:
        raise FileRefused("file_no_rows", "the sheet is empty; add a header row and cases.")
    width = max(len(cells) for _, cells in rows)
    padded = [cells + [""] * (width - len(cells)) for _, cells in rows]
    body = pd.DataFrame(padded[1:], columns=range(width), dtype=str)
    return RawTable(padded[0], body, pd.Series([n for n, _ in rows[1:]], dtype="int64"))


def _holds_dates(column: pd.Series) -> bool:
    first = column.dropna().head(1)
    return not first.empty and isinstance(first.iloc[0], dt.date)


def _parquet_column_text(column: pd.Series) -> pd.Series:
    present = column.notna()
    if pd.api.types.is_bool_dtype(column):
        text = column.map({True: "true", False: "false"})
    elif pd.api.types.is_datetime64_any_dtype(column):
        text = column.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_float_dtype(column):
        whole = column.where(column.mod(1).eq(0))
        text = whole.astype("Int64").astype(str).where(whole.notna(), column.astype(str))
    elif _holds_dates(column):
        text = pd.to_datetime(column).dt.strftime("%Y-%m-%d")
    else:
        text = column.astype(str)
    return text.where(present, "").astype(str)


def read_parquet(path: Path) -> RawTable:
    """A Parquet file; typed columns are turned into the same text a CSV would carry."""
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a file that is not Parquet
        raise _unreadable(f"it is not a readable Parquet file ({type(exc).__name__})") from None
    headers = [str(c) for c in frame.columns]
    body = pd.DataFrame(
        {i: _parquet_column_text(frame.iloc[:, i]) for i in range(frame.shape[1])},
        index=range(len(frame)),
    )
    return RawTable(headers, body, pd.Series(range(2, len(frame) + 2), dtype="int64"))


READERS: dict[str, Callable[[Path], RawTable]] = {
    ".csv": read_csv,
    ".xlsx": read_xlsx,
    ".parquet": read_parquet,
}
