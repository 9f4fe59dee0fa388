"""CSV, read by Python's csv engine in pandas: any file DuckDB's reader declines (another
encoding, ragged rows, blank lines, a stray quote), row by row with its problems named."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import FileRefused
from pipeline.ingest.raw import (
    CHUNK_BYTES,
    CHUNK_ROWS,
    MAX_COLUMNS,
    MAX_RECORD_BYTES,
    RawTable,
    WiderThanHeader,
    file_blocks,
    too_wide,
    unreadable,
)
from pipeline.lazy import np, pd

SCAN_BYTES = 2 << 20  # the quote-aware layout scan works in blocks this size (a few copies)

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
            raise unreadable(f"the file is {what}, not comma-separated text")
    decoder = codecs.getincrementaldecoder("utf-8")()
    bad = None
    for offset, block in file_blocks(path):
        if b"\x00" in block:
            line = _line_at(path, offset + block.index(b"\x00"))
            raise unreadable(f"the file is binary, not text (NUL byte on line {line})")
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
        raise unreadable(
            f"the file mixes UTF-8 with another encoding (byte 0x{byte:02x} on line "
            f"{_line_at(path, bad)} is not UTF-8, but other lines are); re-save the whole "
            "file as UTF-8"
        )
    for offset, block in file_blocks(path):
        try:
            block.decode("cp1252")
        except UnicodeDecodeError as exc:
            position = offset + exc.start
            raise unreadable(
                f"byte 0x{block[exc.start]:02x} on line {_line_at(path, position)} is neither "
                "UTF-8 nor Windows-1252 text"
            ) from None
    return "cp1252"


def _first_line(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, newline="") as handle:
        return handle.readline().rstrip("\r\n")


def _header_cells(path: Path, encoding: str) -> int:
    """How many cells the header record itself has (a read `width` wide pads it): cells
    beyond them are a row's extra cells, not a column under a blank header."""
    first = pd.read_csv(
        path, encoding=encoding, header=None, nrows=1, dtype=str, keep_default_na=False
    )
    return first.shape[1]


def read(path: Path, chunk_rows: int = CHUNK_ROWS, width: int | None = None) -> Iterator[RawTable]:
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
        raise unreadable("the file is separated by semicolons, not commas")
    if "\t" in first_line and "," not in first_line:
        raise unreadable("the file is separated by tabs, not commas")
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
                if width:  # the header record padded to `width`: keep its own cells
                    headers = headers[: _header_cells(path, encoding)]
                frame = frame.iloc[1:]
                if len(headers) > MAX_COLUMNS:
                    raise too_wide(len(headers))
            body = frame.reset_index(drop=True)
            yield RawTable(
                headers, body, pd.Series(range(next_row, next_row + len(body))), layout.spanning()
            )
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
            raise unreadable(
                f"the double quote on row {int(never_closed.group(1)) + 1} is never closed (a "
                "stray quote makes the rest of the file one cell); remove it or close it"
            ) from None
        raise unreadable(f"it is not a regular comma-separated table ({exc})") from None
