"""XLSX: the sheet named `cases` (any case), else the first, read row by row (openpyxl's
read-only mode streams the sheet, so memory stays flat whatever its size)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import FileRefused
from pipeline.ingest.raw import CHUNK_ROWS, MAX_COLUMNS, RawTable, too_wide, unreadable
from pipeline.lazy import pd

SUFFIX = ".xlsx"
EXCEL_SHEET = "cases"
MAX_XLSX_PART_BYTES = 512 << 20  # one part of a workbook, uncompressed
MAX_XLSX_RATIO = 100  # how much a part over 16 MiB may expand (a "zip bomb" expands 1000x)


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


def _refuse_expanding_workbook(path: Path) -> None:
    """Refuse a workbook whose parts would expand beyond the bounds, before anything is
    unpacked: the sizes come from the archive's directory (zipfile never inflates a part
    past its declared size, so a lying directory only makes the read fail)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a ZIP at all: openpyxl says so in its own words
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > MAX_XLSX_PART_BYTES or (
            part.file_size > 16 << 20 and ratio > MAX_XLSX_RATIO
        ):
            raise FileRefused(
                "file_too_large",
                f"the workbook's part {part.filename} would expand to "
                f"{part.file_size / 2**20:,.0f} MiB ({ratio:,.0f} times its packed size), "
                f"beyond the {MAX_XLSX_PART_BYTES // 2**20} MiB (or {MAX_XLSX_RATIO}x) a "
                "case file may take; save the cases alone as a new workbook or as CSV.",
            )


def read(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawTable]:
    """The sheet named `cases` (any case), else the first sheet, in chunks of rows."""
    from openpyxl import load_workbook

    _refuse_expanding_workbook(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not XLSX
        raise unreadable(f"it is not a readable Excel workbook ({type(exc).__name__})") from None
    try:
        sheets = {name.strip().lower(): name for name in workbook.sheetnames}
        sheet = workbook[sheets.get(EXCEL_SHEET, workbook.sheetnames[0])]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileRefused("file_no_rows", "the sheet is empty; add a header row and cases.")
        headers = [_excel_cell_text(v) for v in header]
        if sum(1 for h in headers if h) > MAX_COLUMNS:
            raise too_wide(len(headers))
        number, chunk, numbers = 1, [], []
        for values in rows:
            number += 1
            if len(values) > MAX_COLUMNS and any(v is not None for v in values[MAX_COLUMNS:]):
                raise too_wide(len(values), f"row {number}")
            chunk.append([_excel_cell_text(v) for v in values])
            numbers.append(number)
            if len(chunk) == chunk_rows:
                yield _xlsx_chunk(headers, chunk, numbers)
                chunk, numbers = [], []
        yield _xlsx_chunk(headers, chunk, numbers)
    finally:
        workbook.close()


def _xlsx_chunk(headers: list[str], chunk: list[list[str]], numbers: list[int]) -> RawTable:
    width = max([len(headers), *(len(cells) for cells in chunk)])
    padded = [cells + [""] * (width - len(cells)) for cells in chunk]
    body = pd.DataFrame(padded, columns=range(width), dtype=str)
    return RawTable(
        headers + [""] * (width - len(headers)), body, pd.Series(numbers, dtype="int64")
    )
