"""Replace a file so that readers see the old one or the new one, never a mixture.

The new content is written to a temporary file beside the target, flushed to disk, then
renamed over the target (an atomic operation on POSIX file systems). A reader that already
has the old file open keeps reading the old file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path


def remove_stale_copies(target: Path) -> list[Path]:
    """Temporary files left by a replace that was killed half-way (never the target)."""
    stale = sorted(target.parent.glob(f".{target.name}.*.tmp"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def atomic_write(target: Path, write: Callable[[Path], object], mode: int = 0o644) -> Path:
    """Let `write` fill a temporary file beside `target`, flush it, rename it over `target`.

    Callers hold the warehouse's run lock, so temporary files left by a killed run can be
    cleared first.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_copies(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_folder(target.parent)
    return target


def atomic_replace(
    source: Path, target: Path, prepare: Callable[[Path], None] | None = None
) -> Path:
    """Copy `source` over `target` atomically, letting `prepare` change the copy first."""

    def copy(temporary: Path) -> None:
        shutil.copyfile(source, temporary)
        if prepare is not None:
            prepare(temporary)

    return atomic_write(target, copy)
