"""A file name is a name, never a pattern.

DuckDB's readers expand `*`, `?`, `[...]` and `**` in the paths they are given, so a file
called `cases[1].csv` would be read as `cases1.csv`. Every path the project hands to a DuckDB
reader goes through `literal_path`: a symbolic link with a plain name, in a private temporary
folder, to exactly that file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def literal_path(path: Path) -> Iterator[str]:
    """A path to `path` that no reader can read as a pattern (valid inside the block)."""
    with tempfile.TemporaryDirectory(prefix="case-audit-") as folder:
        link = Path(folder) / ("file" + "".join(c for c in path.suffix if c.isalnum() or c == "."))
        os.symlink(Path(path).absolute(), link)
        yield str(link)
