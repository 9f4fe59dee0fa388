"""One run at a time per warehouse: an exclusive lock file in the private build folder.

The lock is an OS file lock (flock), so it is released when its process ends, even after
SIGKILL: a crashed run never blocks the next one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from pathlib import Path
from typing import IO

from pipeline.errors import CaseAuditError

POLL_SECONDS = 0.2


class RunLock:
    """Exclusive, process-wide lock on `path`; `acquire` waits up to `timeout` seconds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def acquire(self, timeout: float = 0.0) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "unknown process"
                    handle.close()
                    raise CaseAuditError(
                        f"another case-audit run ({holder}) is building this warehouse; "
                        "wait for it to finish and run again."
                    ) from None
                time.sleep(POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        handle.write(f"pid {os.getpid()}, started {started}")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None
