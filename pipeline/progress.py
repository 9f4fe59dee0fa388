"""Progress of a long run or check, as the steps report it: a phase, then rows done.

The libraries report to `reporter()`, which is silent unless the command line installed a
terminal display (`case-audit run` and `check` on a terminal, without `--quiet`). Reporting
costs a function call per chunk of rows, never a per-row loop.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Progress:
    """Silent: what every library call reports to unless a display is installed."""

    def phase(self, name: str) -> None:
        """A new phase begins (`validating cases.csv`, `building derived tables`)."""

    def advance(self, rows: int) -> None:
        """`rows` more rows of the current phase are done."""

    def close(self) -> None:
        """The work is over: the display goes."""


class TerminalProgress(Progress):
    """One line per phase on the terminal (standard error): its name, rows done and the time
    since the command started, redrawn as chunks complete (rich's live display)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress as Display
        from rich.progress import TextColumn, TimeElapsedColumn

        self.display = Display(
            TextColumn("{task.description}"),
            TextColumn("{task.fields[rows]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.display.start()
        self.started = time.monotonic()
        self.task = None
        self.rows = 0

    def phase(self, name: str) -> None:
        if self.task is not None:
            self.display.stop_task(self.task)
        self.rows = 0
        self.task = self.display.add_task(name, rows="")

    def advance(self, rows: int) -> None:
        if self.task is None:
            self.phase("working")
        self.rows += rows
        self.display.update(self.task, rows=f"{self.rows:,} rows")

    def close(self) -> None:
        if self.task is not None:
            self.display.stop_task(self.task)
        self.display.stop()


_current: Progress = Progress()


def reporter() -> Progress:
    return _current


@contextmanager
def showing(progress: Progress) -> Iterator[Progress]:
    """Report to `progress` for the block (the command line's display, a test's recorder)."""
    global _current
    previous, _current = _current, progress
    try:
        yield progress
    finally:
        progress.close()
        _current = previous
