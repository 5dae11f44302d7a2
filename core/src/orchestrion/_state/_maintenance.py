"""Background upkeep of an SQLite state file, off the event loop: WAL
checkpoints (copying the WAL into the database file, with its fsync).

One daemon thread per store with its own connection, fed by a queue. A
checkpoint is safe to lose: it is redone at the next request, or when the
last connection to the file closes.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from pathlib import Path

__all__ = ["Maintenance"]


class Maintenance:
    """The upkeep thread of one store (started on first use)."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._jobs: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def checkpoint(self) -> None:
        """Copy the WAL into the database (PASSIVE: never blocks a writer)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="orchestrion-state-upkeep", daemon=True
            )
            self._thread.start()
        self._jobs.put("checkpoint")

    def close(self) -> None:
        """Finish the queued jobs and stop the thread."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout=self.busy_timeout * 3)
            self._thread = None

    def _loop(self) -> None:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            while self._jobs.get() is not None:
                with contextlib.suppress(sqlite3.Error):  # redone at the next request
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            db.close()
