"""Acknowledgements of a named stream and the checkpoints made of them.

A result is acknowledged when the consumer has taken it. The checkpoint is the
last *contiguous* acknowledged offset plus the offsets acknowledged beyond it
(an unordered stream takes results out of order), so that a resumed stream
yields neither an acknowledged record again nor skips an unacknowledged one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._offsets import Checkpoint, OffsetStore, SqliteOffsetStore, offset_store_for

if TYPE_CHECKING:
    from .._orchestrator import Orchestrator

__all__ = ["Acknowledgements"]


class Acknowledgements:
    """Tracks what the consumer of stream ``name`` took and checkpoints it in
    ``store`` every ``every`` acknowledgements (and on :meth:`flush`)."""

    def __init__(
        self, store: OffsetStore, name: str, every: int, resumed: Checkpoint | None, owned: bool
    ) -> None:
        self.store = store
        self.name = name
        self.every = every
        self.owned = owned
        #: The checkpoint resumed from, or ``None`` for a fresh stream.
        self.resumed = resumed
        #: The last checkpoint recorded (or resumed from).
        self.committed = resumed
        self.contiguous = -1 if resumed is None else resumed.offset
        self.ahead: set[int] = set() if resumed is None else set(resumed.ahead)
        self._unsaved = 0

    @classmethod
    async def open(
        cls, orch: Orchestrator, name: str, store: OffsetStore | None, every: int
    ) -> Acknowledgements:
        """Read stream ``name``'s checkpoint from ``store`` (default: the one
        beside ``orch``'s state store)."""
        owned = False
        if store is None:
            store, owned = offset_store_for(orch)
        return cls(store, name, every, await store.get(name), owned)

    @property
    def skip(self) -> tuple[int, frozenset[int]]:
        """Where the source is read from, and the offsets beyond it to leave out."""
        return self.contiguous + 1, frozenset(self.ahead)

    async def ack(self, offset: int) -> None:
        """The consumer took the result at ``offset``."""
        if offset == self.contiguous + 1:
            self.contiguous = offset
            ahead = self.ahead
            while ahead and self.contiguous + 1 in ahead:
                self.contiguous += 1
                ahead.remove(self.contiguous)
        else:
            self.ahead.add(offset)
        self._unsaved += 1
        if self._unsaved >= self.every:
            await self.flush()

    async def flush(self) -> None:
        """Record the checkpoint now, if it moved."""
        self._unsaved = 0
        if self.contiguous < 0 and not self.ahead:
            return
        checkpoint = Checkpoint(self.contiguous, tuple(sorted(self.ahead)))
        if checkpoint != self.committed:
            await self.store.put(self.name, checkpoint)
            self.committed = checkpoint

    def close(self) -> None:
        """Close the offset store when it was opened for this stream."""
        if self.owned and isinstance(self.store, SqliteOffsetStore):
            self.store.close()
