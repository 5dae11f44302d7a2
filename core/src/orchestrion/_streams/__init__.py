"""Stream processing (issue 8): :meth:`Orchestrator.stream` and its parts."""

from ._offsets import Checkpoint, MemoryOffsetStore, OffsetStore, SqliteOffsetStore
from ._result import StreamResult
from ._stats import StreamStats
from ._stream import DeadLetterSink, Stream

__all__ = [
    "Checkpoint",
    "DeadLetterSink",
    "MemoryOffsetStore",
    "OffsetStore",
    "SqliteOffsetStore",
    "Stream",
    "StreamResult",
    "StreamStats",
]
