"""Stream sources: any async iterable, or a sync iterable adapted to one."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable
from itertools import islice
from typing import Any

from ..exceptions import ConfigError

__all__ = ["Source", "records_after"]

#: What :meth:`Orchestrator.stream` reads records from.
Source = AsyncIterable[Any] | Iterable[Any]


async def _from_sync(iterable: Iterable[Any], skip: int) -> AsyncIterator[Any]:
    # Items are produced on the event loop: the stream's bounded send is where
    # the producer yields. A blocking source (a socket, stdin) should be an
    # async iterable that reads in a worker thread, as the CLI's is.
    for item in islice(iterable, skip, None):
        yield item


async def _from_async(iterable: AsyncIterable[Any], skip: int) -> AsyncIterator[Any]:
    seen = 0
    async for item in iterable:
        if seen >= skip:
            yield item
        else:
            seen += 1


def records_after(source: Source, skip: int) -> AsyncIterator[Any]:
    """The records of ``source`` from offset ``skip`` on, as an async iterator.

    :raises ConfigError: when ``source`` is not iterable.
    """
    if isinstance(source, AsyncIterable):
        return _from_async(source, skip)
    if isinstance(source, Iterable) and not isinstance(source, str | bytes | dict):
        return _from_sync(source, skip)
    msg = (
        f"a stream source must be an iterable or async iterable of records, "
        f"got {type(source).__qualname__}"
    )
    raise ConfigError(msg, key="source")
