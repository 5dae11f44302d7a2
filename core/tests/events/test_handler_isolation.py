"""Handlers run concurrently and in isolation: one's failure never reaches others."""

from __future__ import annotations

import anyio
import pytest

from orchestrion import Event, EventBus

pytestmark = pytest.mark.anyio


async def test_raising_hanging_and_slow_handlers_beside_a_good_one() -> None:
    """A raising and a timed-out handler are counted as failed while a slow and a
    good handler both get the event, concurrently, and the publisher sees nothing."""
    bus = EventBus(retry_wait=0)
    good_ran = anyio.Event()
    got: list[str] = []

    async def good(event: Event) -> None:
        got.append(f"good:{event.type}")
        good_ran.set()

    async def slow(event: Event) -> None:
        # Finishes only once the good handler has run: proves concurrency.
        await good_ran.wait()
        got.append(f"slow:{event.type}")

    async def raising(event: Event) -> None:
        raise RuntimeError("boom")

    async def hanging(event: Event) -> None:
        await anyio.Event().wait()  # never set: only the timeout ends it

    bus.subscribe("job.done", hanging, name="hanging", timeout=0.05)
    bus.subscribe("job.done", slow, name="slow")
    bus.subscribe("job.done", raising, name="raising")
    bus.subscribe("job.done", good, name="good")
    async with bus.running():
        await bus.publish(Event(type="job.done"))
        await bus.drain()

    assert sorted(got) == ["good:job.done", "slow:job.done"]
    stats = bus.stats()
    assert (stats.published, stats.partial, stats.delivered, stats.failed) == (1, 1, 0, 0)
    handlers = stats.handlers
    assert handlers["good"].delivered == handlers["slow"].delivered == 1
    assert handlers["raising"].failed == 1
    assert handlers["raising"].last_error == "RuntimeError: boom"
    assert handlers["hanging"].timed_out == handlers["hanging"].failed == 1
    assert bus.dead_letters == []


async def test_a_failed_handler_still_gets_the_next_event() -> None:
    """Failing on one event does not unsubscribe a handler."""
    bus = EventBus()
    seen: list[int] = []

    async def flaky(event: Event) -> None:
        seen.append(event.data["n"])
        if event.data["n"] == 1:
            raise ValueError("bad")

    bus.subscribe("tick", flaky, name="flaky")
    async with bus.running():
        for n in (1, 2):
            await bus.publish(Event(type="tick", data={"n": n}))
        await bus.drain()
    assert sorted(seen) == [1, 2]
    assert bus.stats().handlers["flaky"].delivered == 1
    assert bus.stats().handlers["flaky"].failed == 1


async def test_without_running_publish_delivers_inline_and_isolated() -> None:
    """When the bus is not running, publish delivers before returning, still isolated."""
    bus = EventBus()
    got: list[str] = []

    async def good(event: Event) -> None:
        got.append(event.id)

    async def bad(event: Event) -> None:
        raise KeyError("x")

    bus.subscribe("a", good, name="good")
    bus.subscribe("a", bad, name="bad")
    event = Event(type="a")
    await bus.publish(event)
    assert got == [event.id]
    assert bus.stats().partial == 1
    assert bus.stats().pending == 0


async def test_sync_handlers_are_called() -> None:
    """A plain function handler is called with the event."""
    bus = EventBus()
    got: list[str] = []
    bus.subscribe("a", lambda event: got.append(event.type), name="sync")
    async with bus.running():
        await bus.publish(Event(type="a"))
        await bus.drain()
    assert got == ["a"]


async def test_handlers_may_publish_on_their_own_bus_even_when_it_is_full() -> None:
    """A handler publishing into a full queue is served inline instead of deadlocking."""
    bus = EventBus(queue_size=1, dispatchers=1)
    seen: list[int] = []

    async def relay(event: Event) -> None:
        n = event.data["n"]
        seen.append(n)
        if n < 5:
            # Two follow-ups per event overflow the one-slot queue.
            await bus.publish(Event(type="chain", data={"n": n + 1}))
            await bus.publish(Event(type="chain", data={"n": n + 1}))

    bus.subscribe("chain", relay, name="relay")
    async with bus.running():
        await bus.publish(Event(type="chain", data={"n": 1}))
        await bus.drain()
    assert len(seen) == 2**5 - 1
    assert bus.stats().delivered == 2**5 - 1
