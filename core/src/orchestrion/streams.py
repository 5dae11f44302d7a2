"""Streams: process the records of an iterable through a workflow or routes.

Start one with :meth:`Orchestrator.stream`; it yields a :class:`StreamResult`
per record, keeps :class:`StreamStats` and, when named, checkpoints where it
got to (a :class:`Checkpoint`) in an :class:`OffsetStore` (by default beside
the orchestrator's state store)::

    async with orch.stream(records, workflow="wf.yaml", name="orders") as results:
        async for result in results:
            ...

See ``docs/streams.md`` for the CLI (``orchestrion stream``) and the details.
"""

from __future__ import annotations

from ._streams._offsets import Checkpoint as Checkpoint
from ._streams._offsets import MemoryOffsetStore as MemoryOffsetStore
from ._streams._offsets import OffsetStore as OffsetStore
from ._streams._offsets import SqliteOffsetStore as SqliteOffsetStore
from ._streams._result import StreamResult as StreamResult
from ._streams._stats import StreamStats as StreamStats
from ._streams._stream import DeadLetterSink as DeadLetterSink
from ._streams._stream import Stream as Stream

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
