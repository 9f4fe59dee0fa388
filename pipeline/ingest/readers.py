"""One reader per accepted format, each yielding the file in chunks of all-text rows.

Reading in chunks keeps memory flat whatever the file's size. Every chunk carries the header
cells, a body of text cells (positional columns) and the row numbers a person sees in a
spreadsheet: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import FileRefused
from pipeline.lazy import pd

ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
EXCEL_SHEET = "cases"
CHUNK_ROWS = 250_000
BLOCK_BYTES = 16 << 20


@dataclass
class RawTable:
    """A chunk as read: header cells, body cells as text (positional columns), row numbers."""

    headers: list[str]
    body: pd.DataFrame
    source_row: pd.Series


class WiderThanHeader(Exception):  # a signal to read again, not an error
    """A CSV row has more cells than any before it: read the file again this wide."""

    def __init__(self, width: int) -> None:
        super().__init__(width)
        self.width = width


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


def file_blocks(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        offset = 0
        while block := handle.read(BLOCK_BYTES):
            yield offset, block
            offset += len(block)


def _line_at(path: Path, position: int) -> int:
    lines = 1
    for offset, block in file_blocks(path):
        if offset + len(block) > position:
            return lines + block.count(b"\n", 0, position - offset)
        lines += block.count(b"\n")
    return lines


def detect_encoding(path: Path) -> str:
    """`utf-8-sig` (with or without BOM) or `cp1252` as Excel writes it; else refused.

    Reads the file in blocks, so its size does not matter.
    """
    with path.open("rb") as handle:
        head = handle.read(8)
    for magic, what in MAGIC_NUMBERS.items():
        if head.startswith(magic):
            raise _unreadable(f"the file is {what}, not comma-separated text")
    decoder = codecs.getincrementaldecoder("utf-8")()
    bad = None
    for offset, block in file_blocks(path):
        if b"\x00" in block:
            line = _line_at(path, offset + block.index(b"\x00"))
            raise _unreadable(f"the file is binary, not text (NUL byte on line {line})")
        pending = len(decoder.getstate()[0])  # bytes of a character split across blocks
        try:
            decoder.decode(block)
        except UnicodeDecodeError as exc:
            bad = offset - pending + exc.start
            break
    else:
        try:
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            bad = path.stat().st_size - 1
    bad = max(bad, 0)
    with path.open("rb") as handle:
        handle.seek(bad)
        byte = handle.read(1)[0]
    if any(_UTF8_MULTIBYTE.search(block) for _, block in file_blocks(path)):
        raise _unreadable(
            f"the file mixes UTF-8 with another encoding (byte 0x{byte:02x} on line "
            f"{_line_at(path, bad)} is not UTF-8, but other lines are); re-save the whole "
            "file as UTF-8"
        )
    for offset, block in file_blocks(path):
        try:
            block.decode("cp1252")
        except UnicodeDecodeError as exc:
            position = offset + exc.start
            raise _unreadable(
                f"byte 0x{block[exc.start]:02x} on line {_line_at(path, position)} is neither "
                "UTF-8 nor Windows-1252 text"
            ) from None
    return "cp1252"


def _first_line(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, newline="") as handle:
        return handle.readline().rstrip("\r\n")


def iter_csv(
    path: Path, chunk_rows: int = CHUNK_ROWS, width: int | None = None
) -> Iterator[RawTable]:
    """A comma-separated file in chunks; every cell read as text, nothing guessed.

    Rows with more cells than the header are kept: their extra cells arrive as positional
    columns beyond the header (for validation to quarantine the row as `extra_cells`). A row
    wider than any before it raises WiderThanHeader: the caller reads again with `width`.
    """
    encoding = detect_encoding(path)
    first_line = _first_line(path, encoding)
    if ";" in first_line and "," not in first_line:
        raise _unreadable("the file is separated by semicolons, not commas")
    if "\t" in first_line and "," not in first_line:
        raise _unreadable("the file is separated by tabs, not commas")
    try:
        reader = pd.read_csv(
            path,
            encoding=encoding,
            header=None,
            names=range(width) if width else None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            chunksize=chunk_rows,
        )
        headers: list[str] | None = None
        next_row = 2
        for frame in reader:
            frame = frame.fillna("")
            if headers is None:
                headers = frame.iloc[0].tolist()
                frame = frame.iloc[1:]
            body = frame.reset_index(drop=True)
            yield RawTable(headers, body, pd.Series(range(next_row, next_row + len(body))))
            next_row += len(body)
    except pd.errors.EmptyDataError:
        raise FileRefused(
            "file_no_rows", "the file is empty; add a header row and cases."
        ) from None
    except pd.errors.ParserError as exc:
        wider = _EXTRA_FIELDS.search(str(exc))
        if wider and int(wider.group(3)) > (width or 0):
            raise WiderThanHeader(int(wider.group(3))) from None
        raise _unreadable(f"it is not a regular comma-separated table ({exc})") from None


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


def iter_xlsx(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawTable]:
    """The sheet named `cases` (any case), else the first sheet, in chunks of rows."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not XLSX
        raise _unreadable(f"it is not a readable Excel workbook ({type(exc).__name__})") from None
    try:
        sheets = {name.strip().lower(): name for name in workbook.sheetnames}
        sheet = workbook[sheets.get(EXCEL_SHEET, workbook.sheetnames[0])]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileRefused("file_no_rows", "the sheet is empty; add a header row and cases.")
        headers = [_excel_cell_text(v) for v in header]
        number, chunk, numbers = 1, [], []
        for values in rows:
            number += 1
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


def iter_parquet(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawTable]:
    """A Parquet file in record batches; typed columns become the text a CSV would carry."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        headers = [str(name) for name in parquet.schema_arrow.names]
        batches = parquet.iter_batches(batch_size=chunk_rows)
        next_row = 2
        for batch in batches:
            frame = batch.to_pandas()
            body = pd.DataFrame(
                {i: _parquet_column_text(frame.iloc[:, i]) for i in range(frame.shape[1])},
                index=range(len(frame)),
            )
            yield RawTable(headers, body, pd.Series(range(next_row, next_row + len(frame))))
            next_row += len(frame)
    except FileRefused:
        raise
    except Exception as exc:  # pyarrow raises many types for a file that is not Parquet
        raise _unreadable(f"it is not a readable Parquet file ({type(exc).__name__})") from None


READERS: dict[str, Callable[..., Iterator[RawTable]]] = {
    ".csv": iter_csv,
    ".xlsx": iter_xlsx,
    ".parquet": iter_parquet,
}
