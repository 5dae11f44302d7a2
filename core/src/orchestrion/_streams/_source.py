"""Stream sources: any async iterable, or a sync iterable adapted to one."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from itertools import islice
from typing import Any

from ..exceptions import ConfigError

__all__ = ["Source", "check_source", "records_after"]

#: What :meth:`Orchestrator.stream` reads records from.
Source = AsyncIterable[Any] | Iterable[Any]


async def _from_sync(
    iterable: Iterable[Any], skip: int, done: frozenset[int]
) -> AsyncIterator[tuple[int, Any]]:
    # Items are produced on the event loop: the stream's bounded send is where
    # the producer yields. A blocking source (a socket, stdin) should be an
    # async iterable that reads in a worker thread, as the CLI's is.
    for offset, item in enumerate(islice(iterable, skip, None), skip):
        if not done or offset not in done:
            yield offset, item


async def _from_async(
    iterable: AsyncIterable[Any], skip: int, done: frozenset[int]
) -> AsyncIterator[tuple[int, Any]]:
    iterator = aiter(iterable)
    offset = 0
    try:
        async for item in iterator:
            if offset >= skip and (not done or offset not in done):
                yield offset, item
            offset += 1
    finally:
        # An async generator source is closed here, in the stream's task, not
        # by the garbage collector (which trio reports as an error).
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()


def check_source(source: object) -> None:
    """Refuse what cannot be a stream source (before anything is started).

    :raises ConfigError: when ``source`` is not an iterable of records (a
        string, bytes or a mapping count as one record, not as a source).
    """
    if isinstance(source, AsyncIterable):
        return
    if isinstance(source, Iterable) and not isinstance(source, str | bytes | dict):
        return
    msg = (
        f"a stream source must be an iterable or async iterable of records, "
        f"got {type(source).__qualname__}"
    )
    raise ConfigError(msg, key="source")


def records_after(
    source: Source, skip: int, done: frozenset[int] = frozenset()
) -> AsyncIterator[tuple[int, Any]]:
    """``(offset, record)`` for the records of ``source`` from offset ``skip``
    on, leaving out the offsets in ``done`` (already acknowledged).

    :raises ConfigError: when ``source`` is not iterable.
    """
    check_source(source)
    if isinstance(source, AsyncIterable):
        return _from_async(source, skip, done)
    return _from_sync(source, skip, done)
