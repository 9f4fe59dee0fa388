"""The fast way in for a well-formed CSV: DuckDB reads it straight into a TEMP table.

Most input files are plain, rectangular UTF-8 CSV. For those, DuckDB's parallel CSV reader
replaces the chunked pandas reader (`readers.iter_csv`), and the rows never pass through
Python. Everything else (another encoding, blank lines, ragged or malformed rows, a header
to search for) returns None and takes the pandas reader, which explains the problem row by
row. Both give the same rows, row numbers and blank-row skipping: tests read the corpus and
random files both ways.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.errors import FileRefused
from pipeline.ingest.headers import HeaderPlan, plan_headers
from pipeline.ingest.literal import literal_path
from pipeline.ingest.readers import MAX_COLUMNS, MAX_RECORD_BYTES, CsvLayout, file_blocks
from pipeline.ingest.text import is_plain_text
from pipeline.lazy import pd
from schemas.case_audit import COLUMNS

# what Python's str.strip() removes (str.isspace), which shape_table applies to every cell
PYTHON_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_BLANK_LINE = re.compile(rb"\n\r?\n")
_BARE_CR = re.compile(rb"\r(?!\n)")
# spaces between a field's edge and its quote: DuckDB skips them, pandas keeps them as text
_SPACE_BY_QUOTE = re.compile(rb'(?:^|[,\r\n]) +"|" +(?:[,\r\n]|$)')


# what str.strip() removes from an ASCII cell besides the space (line ends cannot be in an
# unquoted cell)
_ASCII_ODD_SPACES = b"\t\x0b\x0c\x1c\x1d\x1e\x1f"


@dataclass(frozen=True)
class PlainCsv:
    """What the scan found out about a plain file: `spaces_only` when the only character
    str.strip() could remove from a cell is the space (ASCII, no tab or other control
    space, no quoted cell that could hold a line end), so DuckDB's own trim() is exact."""

    spaces_only: bool
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
    tail, only_line_ends_left, before, spaces_only, lines = b"", False, b"", True, 0
    for offset, block in file_blocks(path):
        lines += block.count(b"\n")
        if _space_by_quote(before, block):
            return None
        before = _from_last_non_space(block)
        if b"\x00" in block:
            return None
        ascii_block = block.isascii()
        if decoder.getstate()[0] or not ascii_block:  # a character split across blocks
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError:
                return None
            if not is_plain_text(text.removeprefix("\ufeff") if offset == 0 else text):
                return None  # the pandas path reads cells in NFC without invisible characters
        if spaces_only:
            data = block.find(b"\n") + 1 if offset == 0 else 0  # the header is read apart
            spaces_only = (
                ascii_block
                and block.find(b'"', data) < 0
                and len(block.translate(None, _ASCII_ODD_SPACES)) == len(block)
            )
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
    return PlainCsv(spaces_only=spaces_only, lines=lines + (tail[-1:] not in (b"\n", b"")))


def trimmed_cell(column: str, spaces_only: bool = False) -> str:
    """SQL for a text cell trimmed as str.strip() does, empty as NULL (variable python_spaces
    holds PYTHON_SPACES); the guard skips trim() for most cells, which need none. With
    `spaces_only` (PlainCsv) DuckDB's trim() of spaces is the same and cheaper."""
    if spaces_only:
        return f"nullif(trim({column}), '')"
    spaces = "getvariable('python_spaces')"
    guard = f"contains({spaces}, left({column}, 1)) OR contains({spaces}, right({column}, 1))"
    return f"nullif(CASE WHEN {guard} THEN trim({column}, {spaces}) ELSE {column} END, '')"


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


def read_csv_into_duckdb(
    conn: duckdb.DuckDBPyConnection, path: Path
) -> tuple[int, HeaderPlan, list[str], str] | None:
    """TEMP view `raw_rows` (over TEMP table `csv_rows`; `release` drops both) from a
    well-formed CSV, shaped as `files.shape_table` shapes a chunk. Returns (rows kept, header
    plan, unnamed columns holding data, a note when quoted cells span lines), or None when
    the file needs the pandas reader."""
    try:
        plain = _plain_utf8(path)
        if plain is None:
            return None
        headers = _header(path)
        if not headers or len(headers) < 2 or len(headers) > MAX_COLUMNS:
            return None  # a file too wide is for the pandas reader to refuse
        plan = plan_headers(headers)
    except (FileRefused, OSError, UnicodeDecodeError, pd.errors.ParserError):
        return None
    width = len(headers)
    columns = {f"c{i}": "VARCHAR" for i in range(width)}

    def cell(i: int) -> str:
        return trimmed_cell(f"c{i}", plain.spaces_only)

    shaped = [f"{cell(plan.positions[name])} AS {name}" if name in plan.positions
              else f"NULL::VARCHAR AS {name}" for name in COLUMNS]  # fmt: skip
    beyond = [f"({cell(i)} IS NOT NULL)::INTEGER" for i in range(plan.width, width)]
    count = " + ".join(beyond) or "0"
    shaped.append(f"if({count} > 0, ({count})::VARCHAR || ' cell(s)', NULL) AS extra_cells")
    shaped += [f"{cell(i)} IS NOT NULL AS unnamed_{i}" for i in plan.unnamed if i < width]
    conn.execute("SET VARIABLE python_spaces = ?", [PYTHON_SPACES])
    # Row numbers are the table's rowids, so the parallel reader must keep the file's order
    # (the build connection turns insertion order off elsewhere, for speed).
    previous = conn.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    conn.execute("SET preserve_insertion_order = true")
    try:
        with literal_path(path) as literal:  # DuckDB would read `cases[1].csv` as a pattern
            conn.execute(
                f"CREATE OR REPLACE TEMP TABLE csv_rows AS SELECT {', '.join(shaped)} "
                "FROM read_csv(?, columns = ?, header = false, skip = 1, auto_detect = false, "
                "strict_mode = true, delim = ',', quote = '\"', escape = '\"', "
                "null_padding = false, encoding = 'utf-8', max_line_size = ?)",
                [literal, columns, MAX_RECORD_BYTES],
            )
    except duckdb.Error:
        conn.execute("DROP TABLE IF EXISTS csv_rows")
        return None
    finally:
        conn.execute(f"SET preserve_insertion_order = {bool(previous)}")
    unnamed = [
        f"unnamed column {i + 1}"
        for i in plan.unnamed
        if i < width and conn.execute(f"SELECT bool_or(unnamed_{i}) FROM csv_rows").fetchone()[0]
    ]
    blank = " AND ".join(f"{name} IS NULL" for name in [*COLUMNS, "extra_cells"])
    conn.execute(
        "CREATE OR REPLACE TEMP VIEW raw_rows AS SELECT rowid + 2 AS source_row, "
        f"{', '.join([*COLUMNS, 'extra_cells'])} FROM csv_rows WHERE NOT ({blank})"
    )  # a view: the rows are not copied again
    rows, records = conn.execute(
        "SELECT (SELECT count(*) FROM raw_rows), (SELECT count(*) FROM csv_rows) + 1"
    ).fetchone()
    return rows, plan, unnamed, CsvLayout(plain.lines, records, 0, 0).spanning()


def release(conn: duckdb.DuckDBPyConnection) -> None:
    """Drop what `read_csv_into_duckdb` made (the view raw_rows and its table)."""
    conn.execute("DROP VIEW IF EXISTS raw_rows")
    conn.execute("DROP TABLE IF EXISTS csv_rows")
