"""CSV: DuckDB's parallel reader for a well-formed file of some size, Python's csv engine for
the rest. Both give the same cells (tests/ingest/test_csv_readers.py); below FAST_FROM_BYTES
Python's is the faster (DuckDB's costs some 40 ms to start, whatever the file's size)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.ingest.formats import csv_duckdb, csv_text
from pipeline.ingest.raw import CHUNK_ROWS, RawTable

SUFFIX = ".csv"
FAST_FROM_BYTES = 2 << 20


def read(path: Path, chunk_rows: int = CHUNK_ROWS, width: int | None = None) -> Iterator[RawTable]:
    """The file's raw cells in chunks; `width` (a row wider than the header was met) reads
    every row that wide, which only the careful reader does."""
    big = path.stat().st_size >= FAST_FROM_BYTES
    fast = csv_duckdb.read(path, chunk_rows) if big and not width else None
    if fast is not None:
        yield from fast
        return
    yield from csv_text.read(path, chunk_rows, width)
