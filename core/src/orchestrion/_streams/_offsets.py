"""Checkpointed stream offsets: where a named stream resumes.

The state store protocol (issue 7) records runs, not arbitrary keys, so
streams keep their offsets through this small :class:`OffsetStore` protocol:
in memory beside a memory state store, and in a ``stream_offsets`` table of
the same SQLite file as an ``sqlite`` state store. Each put is one small
``INSERT ... ON CONFLICT`` made inline on the event loop (the sqlite state
store does the same): streams checkpoint in batches, not per record.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol, runtime_checkable

from ..exceptions import StateError

if TYPE_CHECKING:
    from .._orchestrator import Orchestrator

__all__ = [
    "Checkpoint",
    "MemoryOffsetStore",
    "OffsetStore",
    "SqliteOffsetStore",
    "offset_store_for",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS stream_offsets (
    name TEXT PRIMARY KEY,
    committed INTEGER NOT NULL,
    ahead TEXT NOT NULL,
    updated_at REAL NOT NULL
)
"""


class Checkpoint(NamedTuple):
    """Where a stream resumes: after ``offset`` (the last contiguous
    acknowledged offset), skipping the offsets in ``ahead`` too (acknowledged
    out of order beyond it, by an unordered stream)."""

    offset: int
    ahead: tuple[int, ...] = ()


@runtime_checkable
class OffsetStore(Protocol):
    """Where named streams record the last contiguous acknowledged offset."""

    async def get(self, name: str) -> Checkpoint | None:
        """The last checkpoint of stream ``name``, or ``None``."""
        ...

    async def put(self, name: str, checkpoint: Checkpoint) -> None:
        """Record ``checkpoint`` as stream ``name``'s last one."""
        ...

    async def delete(self, name: str) -> None:
        """Forget stream ``name`` (it then starts from the beginning)."""
        ...


class MemoryOffsetStore:
    """Offsets in a dict: they last as long as the object (the orchestrator)."""

    def __init__(self) -> None:
        self.offsets: dict[str, Checkpoint] = {}

    async def get(self, name: str) -> Checkpoint | None:
        """The last checkpoint of stream ``name``, or ``None``."""
        return self.offsets.get(name)

    async def put(self, name: str, checkpoint: Checkpoint) -> None:
        """Record ``checkpoint`` for stream ``name``."""
        self.offsets[name] = checkpoint

    async def delete(self, name: str) -> None:
        """Forget stream ``name``."""
        self.offsets.pop(name, None)


class SqliteOffsetStore:
    """Offsets in the ``stream_offsets`` table of an SQLite file (WAL mode),
    safe to share between processes."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 5.0) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            msg = (
                f"cannot keep stream offsets in {self.path}: {exc}; "
                "pass another state file or remove this one"
            )
            raise StateError(msg, path=str(self.path)) from None

    async def get(self, name: str) -> Checkpoint | None:
        """The last checkpoint of stream ``name``, or ``None``."""
        row = self._db.execute(
            "SELECT committed, ahead FROM stream_offsets WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else Checkpoint(int(row[0]), tuple(json.loads(row[1])))

    async def put(self, name: str, checkpoint: Checkpoint) -> None:
        """Record ``checkpoint`` for stream ``name`` (one autocommitted statement)."""
        self._db.execute(
            "INSERT INTO stream_offsets (name, committed, ahead, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET committed = excluded.committed, "
            "ahead = excluded.ahead, updated_at = excluded.updated_at",
            (name, checkpoint.offset, json.dumps(sorted(checkpoint.ahead)), time.time()),
        )

    async def delete(self, name: str) -> None:
        """Forget stream ``name``."""
        self._db.execute("DELETE FROM stream_offsets WHERE name = ?", (name,))

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()


def offset_store_for(orch: Orchestrator) -> tuple[OffsetStore, bool]:
    """The offset store beside ``orch``'s state store and whether the caller
    owns it (must close it): a new connection to the same SQLite file for an
    ``sqlite`` store, else the orchestrator's one in-memory store."""
    path = getattr(orch.store, "path", None)
    if isinstance(path, Path):
        return SqliteOffsetStore(path), True
    found = orch.__dict__.get("_stream_offsets")
    if found is None:
        found = orch.__dict__["_stream_offsets"] = MemoryOffsetStore()
    return found, False
