"""Every published event is counted exactly once, whatever handlers do."""

from __future__ import annotations

from functools import partial

import anyio
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrion import Event, EventBus

TYPES = ["a.x", "a.y", "b.x"]
PATTERNS = ["a.*", "a.x", "b.x", "*"]

handlers_strategy = st.lists(
    st.tuples(st.sampled_from(PATTERNS), st.sampled_from(["ok", "fail"])), max_size=4
)


async def scenario(
    handlers: list[tuple[str, str]], published: list[str], queue_size: int, dispatchers: int
) -> None:
    bus = EventBus(queue_size=queue_size, dispatchers=dispatchers)

    async def ok(event: Event) -> None:
        pass

    async def fail(event: Event) -> None:
        raise RuntimeError(event.type)

    for n, (pattern, behaviour) in enumerate(handlers):
        bus.subscribe(pattern, ok if behaviour == "ok" else fail, name=f"h{n}")
    async with bus.running():
        for type_ in published:
            await bus.publish(Event(type=type_))
        await bus.drain()
    stats = bus.stats()
    parts = (stats.unrouted, stats.delivered, stats.partial, stats.failed, stats.dropped)
    assert sum(parts) == stats.published == len(published)
    assert stats.pending == 0
    assert stats.dead_letters == stats.failed == len(bus.dead_letters)
    for n, (_, behaviour) in enumerate(handlers):
        matched = sum(1 for type_ in published if f"h{n}" in bus.subscribers(type_))
        counts = stats.handlers[f"h{n}"]
        assert (counts.delivered if behaviour == "ok" else counts.failed) == matched


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(max_examples=40, deadline=None)
@given(
    handlers=handlers_strategy,
    published=st.lists(st.sampled_from(TYPES), max_size=20),
    queue_size=st.integers(1, 4),
    dispatchers=st.integers(1, 4),
)
def test_counts_add_up(
    backend: str,
    handlers: list[tuple[str, str]],
    published: list[str],
    queue_size: int,
    dispatchers: int,
) -> None:
    """unrouted + delivered + partial + failed + dropped == published, and each
    handler counts exactly the events that matched it."""
    anyio.run(partial(scenario, handlers, published, queue_size, dispatchers), backend=backend)
