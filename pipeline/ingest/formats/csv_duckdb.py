"""CSV, read by DuckDB's parallel reader: the fast way in for a well-formed file.

Most input files are plain, rectangular UTF-8 CSV. For those DuckDB reads the raw cells
(text, untrimmed) far faster than Python's csv engine. Anything unusual (another encoding,
blank lines, ragged or malformed rows, a header to search for) is declined, and the careful
reader (`csv_text`) reads the file and explains its problems row by row. Both give the same
raw cells and row numbers: tests read the corpus and random files both ways.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.ingest.formats.csv_text import CsvLayout
from pipeline.ingest.raw import (
    CHUNK_BYTES,
    MAX_COLUMNS,
    MAX_RECORD_BYTES,
    RawTable,
    file_blocks,
)
from pipeline.ingest.text import is_plain_text
from pipeline.lazy import pd
from pipeline.settings import setting
from pipeline.storage.literal import literal_path

_BLANK_LINE = re.compile(rb"\n\r?\n")
_BARE_CR = re.compile(rb"\r(?!\n)")
# spaces between a field's edge and its quote: DuckDB skips them, pandas keeps them as text
_SPACE_BY_QUOTE = re.compile(rb'(?:^|[,\r\n]) +"|" +(?:[,\r\n]|$)')


@dataclass(frozen=True)
class PlainCsv:
    """What the scan found out about a plain file."""

    lines: int  # physical lines of text, header included


def _plain_utf8(path: Path) -> PlainCsv | None:
    """In one pass over the file: valid UTF-8 (a BOM is fine) without NUL bytes; text in NFC
    without invisible characters (as cells are read); no blank line before the last row
    (DuckDB skips blank lines, pandas counts them, so row numbers would differ); no bare
    carriage return as a line end; and no spaces between a quote and the edge of its field
    (DuckDB drops them, pandas keeps them: `1, "a,b"` is two cells to one and three to the
    other); else None. Anything else (another encoding, a binary file) is for the pandas
    reader to explain. ASCII blocks are not decoded."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail, only_line_ends_left, before, lines = b"", False, b"", 0
    for offset, block in file_blocks(path):
        lines += block.count(b"\n")
        if _space_by_quote(before, block):
            return None
        before = _from_last_non_space(block)
        if b"\x00" in block:
            return None
        if decoder.getstate()[0] or not block.isascii():  # a character split across blocks
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError:
                return None
            if not is_plain_text(text.removeprefix("\ufeff") if offset == 0 else text):
                return None  # the pandas path reads cells in NFC without invisible characters
        text = tail + block
        if only_line_ends_left:
            if text.strip(b"\r\n"):
                return None
        elif blank := _BLANK_LINE.search(text):
            if text[blank.start() :].strip(b"\r\n"):
                return None
            only_line_ends_left = True
        if b"\r" in text and any(m.start() < len(text) - 1 for m in _BARE_CR.finditer(text)):
            return None
        tail = block[-2:]
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    if tail.endswith(b"\r"):
        return None
    return PlainCsv(lines=lines + (tail[-1:] not in (b"\n", b"")))


def _space_by_quote(before: bytes, block: bytes) -> bool:
    """A space between a quote and a field's edge in `block` (`before`: the previous block's
    end, for a space run across the seam). Most files quote only their header, so the rest
    of a block is searched in place and only when it holds a quote at all."""
    first_end = block.find(b"\n") + 1 or len(block)
    seam = before + block[:first_end]
    if b'"' in seam and _SPACE_BY_QUOTE.search(seam):
        return True
    rest = max(first_end - 1, 0)  # from the newline, which is a field's edge
    return block.find(b'"', rest) >= 0 and _SPACE_BY_QUOTE.search(block, rest) is not None


def _from_last_non_space(block: bytes) -> bytes:
    """The end of `block` from its last character that is not a space (the context the next
    block's check needs), without copying the block."""
    end = len(block) - 1
    while end > 0 and block[end] == 0x20:
        end -= 1
    return block[end:]


def _header(path: Path) -> list[str] | None:
    """The header cells, parsed as the pandas reader parses them, when the first line is one
    whole record (an even number of quotes); else None."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        line = handle.readline().rstrip("\r\n")
    if not line or line.count('"') % 2:
        return None
    first = pd.read_csv(io.StringIO(line), header=None, dtype=str, keep_default_na=False)
    return first.iloc[0].fillna("").tolist()


def read(path: Path, chunk_rows: int) -> Iterator[RawTable] | None:
    """The file's raw cells in chunks of at most `chunk_rows` rows (fewer when rows are long:
    CHUNK_BYTES of text at once), or None when the careful reader must read it. The whole
    file is parsed before the first chunk, so a file declined is declined before any row is
    given; DuckDB holds it in memory up to CASE_AUDIT_DUCKDB_MEMORY and spills the rest to a
    private temporary folder."""
    try:
        plain = _plain_utf8(path)
        headers = _header(path) if plain else None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError):
        return None
    if plain is None or not headers or len(headers) < 2 or len(headers) > MAX_COLUMNS:
        return None  # a file too wide is for the careful reader to refuse
    spill = tempfile.TemporaryDirectory(prefix="case-audit-csv-")
    os.chmod(spill.name, 0o700)  # the cells of a case file, while they are read
    conn = duckdb.connect(
        config={
            "memory_limit": setting("duckdb_memory"),
            "temp_directory": spill.name,
        }
    )
    columns = {f"c{i}": "VARCHAR" for i in range(len(headers))}
    try:
        with literal_path(path) as literal:  # DuckDB would read `cases[1].csv` as a pattern
            conn.execute(
                "CREATE TABLE cells AS SELECT * FROM read_csv(?, columns = ?, header = false, "
                "skip = 1, auto_detect = false, strict_mode = true, delim = ',', quote = '\"', "
                "escape = '\"', null_padding = false, encoding = 'utf-8', max_line_size = ?)",
                [literal, columns, MAX_RECORD_BYTES],
            ).fetchall()
        lengths = " + ".join(f"coalesce(strlen(c{i}), 0)" for i in range(len(headers)))
        [(rows, longest)] = conn.execute(
            f"SELECT count(*), coalesce(max({lengths}), 0) + {len(headers)} FROM cells"
        ).fetchall()
    except duckdb.Error:
        conn.close()
        spill.cleanup()
        return None
    step = max(1, min(chunk_rows, CHUNK_BYTES // max(longest, 1)))
    note = CsvLayout(plain.lines, rows + 1, 0, 0).spanning()
    return _chunks(conn, spill, headers, rows, step, note)


def _chunks(
    conn: duckdb.DuckDBPyConnection,
    spill: tempfile.TemporaryDirectory,
    headers: list[str],
    rows: int,
    step: int,
    note: str,
) -> Iterator[RawTable]:
    """The parsed rows in file order (a table's rowid is its insertion order, and the reader
    above kept the file's order), at least one chunk so that an empty file's header is seen."""
    cells = ", ".join(f"coalesce(c{i}, '')" for i in range(len(headers)))  # empty: ''
    try:
        for start in range(0, max(rows, 1), step):
            body = (
                conn.sql(  # through Arrow: a tenth of the time .df() takes for text
                    f"SELECT {cells} FROM cells WHERE rowid >= $1 AND rowid < $2 ORDER BY rowid",
                    params=[start, start + step],
                )
                .to_arrow_table()
                .to_pandas()
            )
            body.columns = range(body.shape[1])
            body = body.astype(str)
            numbers = pd.Series(range(start + 2, start + 2 + len(body)), dtype="int64")
            yield RawTable(list(headers), body, numbers, note)
    finally:
        conn.close()
        spill.cleanup()
