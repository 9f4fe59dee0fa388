"""What every reader gives: a file's cells as text, in chunks, with spreadsheet row numbers.

A reader only reads (pipeline/ingest/formats/, one module per format). Header mapping,
trimming, blank rows and extra cells are shaped once, for every format, in
`pipeline.ingest.files.shape_table`. The bounds below keep what one file may cost fixed
whatever the file's size (docs/failure-behaviour.md, "Bounded resources"): a file past one is
refused, unread, with a message that says which bound and where.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import FileRefused
from pipeline.lazy import pd

CHUNK_ROWS = 250_000
BLOCK_BYTES = 16 << 20
MAX_COLUMNS = 1_000  # cells in the header or in any row
MAX_RECORD_BYTES = 1 << 20  # one CSV row (a quoted cell spanning lines included)
CHUNK_BYTES = 64 << 20  # text a reader holds at once: chunk rows = this / longest row


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


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the spreadsheet's name of a column, as the provider's
    messages and workbook name cells (`K13`)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def unreadable(why: str) -> FileRefused:
    return FileRefused("file_unreadable", f"{why}; save it as UTF-8 CSV, XLSX or Parquet.")


def too_wide(cells: int, where: str = "the header") -> FileRefused:
    return FileRefused(
        "file_too_wide",
        f"{where} has {cells:,} cells, more than the {MAX_COLUMNS:,} a case file may have; "
        "keep the contract's columns (and few others) and send the file again.",
    )


def file_blocks(path: Path, size: int = BLOCK_BYTES) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        offset = 0
        while block := handle.read(size):
            yield offset, block
            offset += len(block)
