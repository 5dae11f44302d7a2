"""Background upkeep of an SQLite state file, off the event loop: WAL
checkpoints, and moving a finished run's step log into the database.

One daemon thread per store with its own connection, fed by a queue. Both
jobs are idempotent and safe to lose: a checkpoint is redone at the next
request (or when the last connection closes), and a step log that was not
moved is still read (and moved by the next store that finishes it or prunes
it); rows are keyed by (run, seq), so moving twice inserts once.
"""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from pathlib import Path

from ._steplog import Row

__all__ = ["Maintenance"]

_INSERT = (
    "INSERT OR IGNORE INTO steps (run_id, seq, step, item, status, output, error_type,"
    " error_message, attempts, duration, instance, reason)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)

Job = tuple[str, str, list[Row], Path] | None


class Maintenance:
    """The upkeep thread of one store (started on first use)."""

    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._jobs: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def _submit(self, job: Job) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="orchestrion-state-upkeep", daemon=True
            )
            self._thread.start()
        self._jobs.put(job)

    def checkpoint(self) -> None:
        """Copy the WAL into the database (PASSIVE: never blocks a writer)."""
        self._submit(("checkpoint", "", [], self.path))

    def move(self, run_id: str, rows: list[Row], log: Path) -> None:
        """Insert a finished run's step-log ``rows``, then delete ``log``. Only
        for runs that can no longer be resumed: nothing appends to ``log`` again."""
        self._submit(("move", run_id, rows, log))

    def close(self) -> None:
        """Finish the queued jobs and stop the thread."""
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout=self.busy_timeout * 3)
            self._thread = None

    def _loop(self) -> None:
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            while (job := self._jobs.get()) is not None:
                kind, run_id, rows, log = job
                with contextlib.suppress(sqlite3.Error, OSError):
                    if kind == "checkpoint":
                        db.execute("PRAGMA wal_checkpoint(PASSIVE)")
                        continue
                    db.execute("BEGIN IMMEDIATE")
                    try:
                        db.executemany(_INSERT, [(run_id, *row) for row in rows])
                    except BaseException:
                        db.execute("ROLLBACK")
                        raise
                    db.execute("COMMIT")
                    log.unlink(missing_ok=True)
        finally:
            db.close()
