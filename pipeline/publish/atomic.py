"""Replace a file so that readers see the old one or the new one, never a mixture.

The new content is prepared in a temporary file beside the target, flushed to disk, then
renamed over the target (an atomic operation on POSIX file systems). A reader that already
has the old file open keeps reading the old file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path


def remove_stale_copies(target: Path) -> list[Path]:
    """Temporary copies left by a replace that was killed half-way (never the target)."""
    stale = sorted(target.parent.glob(f".{target.name}.*.tmp"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def atomic_replace(
    source: Path, target: Path, prepare: Callable[[Path], None] | None = None
) -> None:
    """Copy `source`, let `prepare` change the copy, flush it and rename it over `target`.

    Callers hold the warehouse's run lock, so stale temporary copies can be cleared first.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_copies(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, temporary)
        if prepare is not None:
            prepare(temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
