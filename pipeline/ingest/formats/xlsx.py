"""XLSX: the sheet named `cases` (any case), else the first; calamine for a workbook that
fits in memory, openpyxl's streaming read-only mode for a bigger one."""

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
CALAMINE_UP_TO_BYTES = 64 << 20  # sheet XML calamine may hold (~90k rows of 15 columns)
ERROR_CELL = b't="e"'  # an error cell in sheet XML


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


def _workbook_parts(path: Path) -> list | None:
    """The archive's directory, refusing a workbook whose parts would expand beyond the
    bounds before anything is unpacked: the sizes come from the directory (zipfile never
    inflates a part past its declared size, so a lying directory only makes the read fail).
    None when it is not a ZIP at all: openpyxl says so in its own words."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
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
    return parts


def _calamine_fits(path: Path, parts: list | None) -> bool:
    """calamine reads a whole sheet into memory, so only workbooks whose sheets together
    are at most CALAMINE_UP_TO_BYTES of XML; and it reads an error cell (`#DIV/0!`) as
    empty, where openpyxl gives its text (which validation then refuses), so none with one."""
    import zipfile

    sheets = [p for p in parts or [] if p.filename.startswith("xl/worksheets/")]
    if not sheets or sum(p.file_size for p in sheets) > CALAMINE_UP_TO_BYTES:
        return False
    with zipfile.ZipFile(path) as archive:
        for part in sheets:
            with archive.open(part) as xml:
                tail = b""
                while block := xml.read(1 << 20):
                    if ERROR_CELL in tail + block:
                        return False
                    tail = block[-len(ERROR_CELL) :]
    return True


def _sheet_name(names: list[str]) -> str:
    """The sheet named `cases` (any case, spaces around ignored), else the first."""
    return {name.strip().lower(): name for name in names}.get(EXCEL_SHEET, names[0])


def _calamine_rows(path: Path) -> list[list[object]] | None:
    """Every row of the sheet, from A1, or None when calamine cannot read the file (openpyxl
    then reads it, or says in its own words why it cannot)."""
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_name(_sheet_name(workbook.sheet_names))
        return sheet.to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own types for a damaged workbook
        return None


def read(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawTable]:
    """The sheet named `cases` (any case), else the first sheet, in chunks of rows: by
    calamine when the workbook fits (`_calamine_fits`, some 7x faster), else streamed by
    openpyxl's read-only mode (memory flat whatever the sheet's size). Both give the same
    cells (tests/ingest/test_xlsx_readers.py)."""
    parts = _workbook_parts(path)
    rows = _calamine_rows(path) if _calamine_fits(path, parts) else None
    if rows is not None:
        yield from _chunks(iter(rows), chunk_rows)
        return
    yield from _streamed(path, chunk_rows)


def _streamed(path: Path, chunk_rows: int) -> Iterator[RawTable]:
    """The sheet read row by row by openpyxl (read-only mode); `read` has checked the
    archive's bounds."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not XLSX
        raise unreadable(f"it is not a readable Excel workbook ({type(exc).__name__})") from None
    try:
        sheet = workbook[_sheet_name(workbook.sheetnames)]
        yield from _chunks(sheet.iter_rows(values_only=True), chunk_rows)
    finally:
        workbook.close()


def _chunks(rows: Iterator[tuple | list], chunk_rows: int) -> Iterator[RawTable]:
    """Rows of cell values (the header first) as chunks of text cells, bounded in width."""
    header = next(rows, None)
    if header is None:
        raise FileRefused("file_no_rows", "the sheet is empty; add a header row and cases.")
    headers = [_excel_cell_text(v) for v in header]
    if sum(1 for h in headers if h) > MAX_COLUMNS:
        raise too_wide(len(headers))
    number, chunk, numbers = 1, [], []
    for values in rows:
        number += 1
        if len(values) > MAX_COLUMNS and any(v not in (None, "") for v in values[MAX_COLUMNS:]):
            raise too_wide(len(values), f"row {number}")
        chunk.append([_excel_cell_text(v) for v in values])
        numbers.append(number)
        if len(chunk) == chunk_rows:
            yield _xlsx_chunk(headers, chunk, numbers)
            chunk, numbers = [], []
    yield _xlsx_chunk(headers, chunk, numbers)


def _xlsx_chunk(headers: list[str], chunk: list[list[str]], numbers: list[int]) -> RawTable:
    width = max([len(headers), *(len(cells) for cells in chunk)])
    padded = [cells + [""] * (width - len(cells)) for cells in chunk]
    body = pd.DataFrame(padded, columns=range(width), dtype=str)
    return RawTable(
        headers + [""] * (width - len(headers)), body, pd.Series(numbers, dtype="int64")
    )
