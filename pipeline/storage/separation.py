"""Outputs never touch inputs: every place a command writes is checked, before anything is
written, against every folder and file it reads.

Paths are compared as the file system resolves them (symbolic links, `.` and `..`), and an
existing output file is also compared by its inode with the files read, so a hard link to an
input file is caught too. An output is refused when it is an input, lies inside an input
folder, or is the same file as one being read; the refusal is one sentence naming both
places and the setting to change, and nothing has been written yet.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import CaseAuditError


@dataclass(frozen=True)
class Place:
    """A path and how a person names it (`the feeds folder (--feeds, CASE_AUDIT_FEEDS_DIR)`)."""

    path: Path
    named: str

    @property
    def resolved(self) -> Path:
        return Path(os.path.realpath(self.path))


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _files_below(folder: Path) -> Iterable[Path]:
    for root, _, names in os.walk(folder):
        for name in names:
            yield Path(root) / name


def _inside(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def refuse_overlap(outputs: list[Place], folders: list[Place], files: list[Place]) -> None:
    """Raise CaseAuditError when an output is, or is inside, an input folder, or is one of the
    input files (by path or, when it exists as a hard link, by inode)."""
    for output in outputs:
        where = output.resolved
        touched = [f for f in folders if _inside(where, f.resolved)]
        touched += [f for f in files if where == f.resolved]
        for read in touched[:1]:
            relation = "is" if where == read.resolved else "is inside"
            raise CaseAuditError(
                f"{output.named} {output.path} {relation} {read.named} {read.path}: "
                "case-audit never writes where it reads; choose another place. Nothing "
                "was written."
            )
    linked = {_inode(o.path): o for o in outputs if _hard_linked(o.path)}
    if not linked:
        return
    for read in files:
        if (match := linked.get(_inode(read.path))) is not None:
            _refuse_link(match, read.path, read.named)
    for folder in folders:
        for path in _files_below(folder.path):
            if (match := linked.get(_inode(path))) is not None:
                _refuse_link(match, path, f"a file of {folder.named}")


def _hard_linked(path: Path) -> bool:
    try:
        found = path.stat()
    except OSError:
        return False
    return path.is_file() and found.st_nlink > 1


def _refuse_link(output: Place, path: Path, named: str) -> None:
    raise CaseAuditError(
        f"{output.named} {output.path} is the same file as {named} {path} (a hard link): "
        "case-audit never writes where it reads; choose another place. Nothing was written."
    )
