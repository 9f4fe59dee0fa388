"""One module per accepted format, each with `SUFFIX` and `read(path, chunk_rows)`: the
file's raw cells, as text, in chunks of `pipeline.ingest.raw.RawTable` (header cells, body
cells by position, spreadsheet row numbers). A reader never trims, maps headers or skips rows:
`pipeline.ingest.files.shape_table` does that once, for every format.

A new format is one module here and one line below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pipeline.ingest.formats import csv_file, parquet, xlsx
from pipeline.ingest.raw import RawTable

READERS: dict[str, Callable[..., Iterator[RawTable]]] = {
    module.SUFFIX: module.read for module in (csv_file, xlsx, parquet)
}
ACCEPTED_SUFFIXES = tuple(READERS)
