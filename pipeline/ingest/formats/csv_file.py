"""CSV: DuckDB's parallel reader for a well-formed file, Python's csv engine for the rest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.ingest.formats import csv_duckdb, csv_text
from pipeline.ingest.raw import CHUNK_ROWS, RawTable

SUFFIX = ".csv"


def read(path: Path, chunk_rows: int = CHUNK_ROWS, width: int | None = None) -> Iterator[RawTable]:
    """The file's raw cells in chunks; `width` (a row wider than the header was met) reads
    every row that wide, which only the careful reader does."""
    fast = None if width else csv_duckdb.read(path, chunk_rows)
    if fast is not None:
        yield from fast
        return
    yield from csv_text.read(path, chunk_rows, width)
