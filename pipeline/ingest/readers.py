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
from pipeline.ingest.headers import looks_like_identifier, normalise_header, plan_headers
from pipeline.lazy import np, pd

ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
EXCEL_SHEET = "cases"
CHUNK_ROWS = 250_000
BLOCK_BYTES = 16 << 20
# Bounds on what one file may cost (docs/failure-behaviour.md, "Bounded resources"): a file
# past one is refused, unread, with a message that says which bound and where.
MAX_COLUMNS = 1_000  # cells in the header or in any row
MAX_RECORD_BYTES = 1 << 20  # one CSV row (a quoted cell spanning lines included)
CHUNK_BYTES = 64 << 20  # text the CSV reader holds at once: chunk rows = this / longest row
SCAN_BYTES = 2 << 20  # the quote-aware layout scan works in blocks this size (a few copies)
MAX_XLSX_PART_BYTES = 512 << 20  # one part of a workbook, uncompressed
MAX_XLSX_RATIO = 100  # how much a part over 16 MiB may expand (a "zip bomb" expands 1000x)


@dataclass
class RawTable:
    """A chunk as read: header cells, body cells as text (positional columns), row numbers."""

    headers: list[str]
    body: pd.DataFrame
    source_row: pd.Series
    note: str = ""  # what the file report should say about the file's layout


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
_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _unreadable(why: str) -> FileRefused:
    return FileRefused("file_unreadable", f"{why}; save it as UTF-8 CSV, XLSX or Parquet.")


def too_wide(cells: int, where: str = "the header") -> FileRefused:
    return FileRefused(
        "file_too_wide",
        f"{where} has {cells:,} cells, more than the {MAX_COLUMNS:,} a case file may have; "
        "keep the contract's columns (and few others) and send the file again.",
    )


@dataclass(frozen=True)
class CsvLayout:
    """Physical lines against records (rows as a spreadsheet shows them) and the longest
    record, found in one pass that follows quotes: a quoted cell may span lines."""

    lines: int
    records: int
    longest_record: int
    longest_at: int  # record number (spreadsheet row) of the longest record

    def spanning(self) -> str:
        """A sentence when quoted cells made several lines one row, else empty."""
        if self.lines <= self.records:
            return ""
        return (
            f"{self.lines:,} lines of text became {self.records:,} rows: a quoted cell spans "
            "lines (a stray double quote makes the lines after it one cell)"
        )


def csv_layout(path: Path) -> CsvLayout:
    """Count lines and records of a CSV and measure its longest record, in blocks (bounded
    memory whatever the file's size). A record ends at a line end outside quotes."""
    with path.open("rb") as handle:
        head = handle.read(SCAN_BYTES)
    end = ord("\n") if b"\n" in head or b"\r" not in head else ord("\r")
    lines = records = 0
    inside = 0  # 1 while inside quotes (parity of the quotes so far)
    record_start, longest, longest_at, size = 0, 0, 1, 0
    for offset, block in file_blocks(path, SCAN_BYTES):
        data = np.frombuffer(block, dtype=np.uint8)
        parity = np.bitwise_xor.accumulate((data == ord('"')).astype(np.uint8)) ^ inside
        inside = int(parity[-1])
        ends = data == end
        lines += int(ends.sum())
        stops = np.flatnonzero(ends & (parity == 0)) + offset
        if len(stops):
            starts = np.concatenate(([record_start], stops[:-1] + 1))
            lengths = stops - starts
            i = int(lengths.argmax())
            if lengths[i] > longest:
                longest, longest_at = int(lengths[i]), records + i + 1
            records += len(stops)
            record_start = int(stops[-1]) + 1
        size = offset + len(block)
    if size > record_start:  # a last record without a line end
        lines, records = lines + 1, records + 1
        if size - record_start > longest:
            longest, longest_at = size - record_start, records
    return CsvLayout(lines, records, longest, longest_at)


def file_blocks(path: Path, size: int = BLOCK_BYTES) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        offset = 0
        while block := handle.read(size):
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
    layout = csv_layout(path)
    if layout.longest_record > MAX_RECORD_BYTES:
        raise FileRefused(
            "file_too_large",
            f"row {layout.longest_at:,} is {layout.longest_record / 2**20:.1f} MiB long, more "
            f"than the {MAX_RECORD_BYTES // 2**20} MiB a row may have"
            + (f" ({layout.spanning()})" if layout.spanning() else "")
            + "; correct it and send the file again.",
        )
    chunk_rows = max(1, min(chunk_rows, CHUNK_BYTES // max(layout.longest_record, 1)))
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
                if len(headers) > MAX_COLUMNS:
                    raise too_wide(len(headers))
            body = frame.reset_index(drop=True)
            yield RawTable(headers, body, pd.Series(range(next_row, next_row + len(body))),
                           layout.spanning())  # fmt: skip
            next_row += len(body)
    except pd.errors.EmptyDataError:
        raise FileRefused(
            "file_no_rows", "the file is empty; add a header row and cases."
        ) from None
    except pd.errors.ParserError as exc:
        wider = _EXTRA_FIELDS.search(str(exc))
        if wider and int(wider.group(3)) > MAX_COLUMNS:
            raise too_wide(int(wider.group(3)), f"line {wider.group(2)}") from None
        if wider and int(wider.group(3)) > (width or 0):
            raise WiderThanHeader(int(wider.group(3))) from None
        if never_closed := _OPEN_QUOTE.search(str(exc)):
            raise _unreadable(
                f"the double quote on row {int(never_closed.group(1)) + 1} is never closed (a "
                "stray quote makes the rest of the file one cell); remove it or close it"
            ) from None
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


def iter_xlsx(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawTable]:
    """The sheet named `cases` (any case), else the first sheet, in chunks of rows."""
    from openpyxl import load_workbook

    _refuse_expanding_workbook(path)
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


MAX_PARQUET_COLUMNS = 1_000  # as MAX_COLUMNS: a wider file is refused unread


def _arrow_kind(arrow_type: object) -> str | None:
    """How a Parquet column of this type becomes text, or None when it cannot: nested
    (struct, list, map), binary and other types are never stored as their text rendering."""
    import pyarrow as pa

    t = pa.types
    if t.is_dictionary(arrow_type):
        return _arrow_kind(arrow_type.value_type)
    checks = (
        ("text", t.is_string), ("text", t.is_large_string), ("bool", t.is_boolean),
        ("integer", t.is_integer), ("float", t.is_floating), ("decimal", t.is_decimal),
        ("date", t.is_date), ("date", t.is_timestamp), ("empty", t.is_null),
    )  # fmt: skip
    return next((kind for kind, check in checks if check(arrow_type)), None)


def _nested_names(field: object, prefix: str = "") -> Iterator[str]:
    """`column.field` for every field inside a struct, list or map column, at any depth."""
    import pyarrow as pa

    arrow_type = field.type
    if pa.types.is_dictionary(arrow_type):
        return
    children = [arrow_type.field(i) for i in range(arrow_type.num_fields)] if isinstance(
        arrow_type, pa.DataType) and arrow_type.num_fields else []  # fmt: skip
    for child in children:
        name = f"{prefix}{field.name}.{child.name}"
        yield name
        yield from _nested_names(child, f"{prefix}{field.name}.")


def _parquet_text(column: object, kind: str) -> pd.Series:
    """A Parquet column as the text a CSV would carry: whole numbers without `.0` (decimals
    `2.00` read `2`), dates as ISO days, booleans `true`/`false`, missing as empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        column = pc.cast(column, column.type.value_type)
    if kind == "bool":
        text = pc.if_else(column, "true", "false")
    elif kind == "date":
        text = pc.strftime(column, format="%Y-%m-%d")
    elif kind in ("float", "decimal"):
        whole = pc.equal(pc.floor(column), column)
        plain = pc.cast(column, pa.string())
        if kind == "decimal":  # 2.50 -> 2.5, 2.00 -> 2
            plain = pc.replace_substring_regex(plain, r"(\.[0-9]*?)0+$", r"\1")
            plain = pc.replace_substring_regex(plain, r"\.$", "")
        else:
            rounded = pc.cast(pc.floor(pc.if_else(whole, column, 0)), pa.float64())
            small = pc.less_equal(pc.abs(rounded), 2.0**53)
            as_int = pc.cast(pc.if_else(small, rounded, 0), pa.int64())
            plain = pc.if_else(pc.and_(whole, small), pc.cast(as_int, pa.string()), plain)
        text = plain
    elif kind == "empty":
        text = pa.nulls(len(column), pa.string())
    else:
        text = pc.cast(column, pa.string())
    return pd.Series(pc.fill_null(text, "").to_numpy(zero_copy_only=False), dtype=str)


def iter_parquet(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[RawTable]:
    """A Parquet file in record batches; typed columns become the text a CSV would carry.

    Only the contract's columns are read: any other column is dropped unread (its name still
    goes through the identifier screen, nested field names included). A contract column of
    a type that is not flat (struct, list, map, binary, time, ...) refuses the file.
    """
    import pyarrow.parquet as pq

    from schemas.case_audit import COLUMNS

    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
    except Exception as exc:  # pyarrow raises many types for a file that is not Parquet
        raise _unreadable(f"it is not a readable Parquet file ({type(exc).__name__})") from None
    if len(schema) > MAX_PARQUET_COLUMNS:
        raise too_wide(len(schema))
    nested = [name for field in schema for name in _nested_names(field)]
    if hidden := [name for name in nested if looks_like_identifier(name.rsplit(".", 1)[-1])]:
        raise FileRefused(
            "file_identifier_column",
            f"nested field {', '.join(map(repr, hidden))} looks like a direct identifier; "
            "remove it and send the file again. Nothing of this file was stored.",
        )
    headers = [str(name) for name in schema.names]
    plan_headers(headers)  # refusals (identifiers, duplicates, missing) before any read
    wanted = [i for i, h in enumerate(headers) if normalise_header(h) in COLUMNS]
    kinds = {i: _arrow_kind(schema.field(i).type) for i in wanted}
    if odd := [i for i, kind in kinds.items() if kind is None]:
        described = ", ".join(f"{headers[i]!r} ({schema.field(i).type})" for i in odd)
        raise FileRefused(
            "file_column_type",
            f"column {described} is not a flat column of text, numbers, dates or booleans; "
            "store one plain value per cell and send the file again.",
        )
    try:
        batches = parquet.iter_batches(batch_size=chunk_rows, columns=[headers[i] for i in wanted],
                                       use_pandas_metadata=False)  # fmt: skip
        next_row = 2
        for batch in batches:
            rows = batch.num_rows
            empty = pd.Series([""] * rows, dtype=str)
            body = pd.DataFrame(
                {i: _parquet_text(batch.column(wanted.index(i)), kinds[i]) if i in kinds
                 else empty for i in range(len(headers))},
                index=range(rows),
            )  # fmt: skip
            yield RawTable(headers, body, pd.Series(range(next_row, next_row + rows)))
            next_row += rows
    except FileRefused:
        raise
    except Exception as exc:  # a damaged page or row group
        raise _unreadable(f"it is not a readable Parquet file ({type(exc).__name__})") from None


READERS: dict[str, Callable[..., Iterator[RawTable]]] = {
    ".csv": iter_csv,
    ".xlsx": iter_xlsx,
    ".parquet": iter_parquet,
}
