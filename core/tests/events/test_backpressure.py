"""Backpressure: a bounded queue slows publishers instead of growing memory."""

from __future__ import annotations

import anyio
import pytest

from orchestrion import Event, EventBus

pytestmark = pytest.mark.anyio


async def test_publisher_waits_while_queue_is_full_and_handler_stalled() -> None:
    """With one dispatcher stalled and the queue full, publish_nowait refuses and
    publish waits until the handler is released; nothing is lost."""
    bus = EventBus(queue_size=2, dispatchers=1)
    started = anyio.Event()
    release = anyio.Event()
    handled: list[int] = []

    async def stalled(event: Event) -> None:
        started.set()
        await release.wait()
        handled.append(event.data["n"])

    bus.subscribe("job", stalled, name="stalled", timeout=None)
    published: list[int] = []

    async def publisher() -> None:
        await bus.publish(Event(type="job", data={"n": 4}))
        published.append(4)

    async with bus.running(), anyio.create_task_group() as tg:
        await bus.publish(Event(type="job", data={"n": 1}))
        await started.wait()  # the dispatcher holds event 1
        assert bus.publish_nowait(Event(type="job", data={"n": 2}))
        assert bus.publish_nowait(Event(type="job", data={"n": 3}))
        assert not bus.publish_nowait(Event(type="job", data={"n": 99}))  # full: dropped
        tg.start_soon(publisher)
        await anyio.wait_all_tasks_blocked()
        assert published == []  # blocked on the full queue
        assert bus.stats().pending == 4
        release.set()
        await bus.drain()
        assert published == [4]
    assert handled == [1, 2, 3, 4]
    stats = bus.stats()
    assert (stats.published, stats.delivered, stats.dropped) == (5, 4, 1)


async def test_pending_events_stay_bounded_under_a_flood() -> None:
    """However many events a publisher sends, at most queue + dispatchers + 1 are
    held at once while handlers are stalled."""
    queue_size, dispatchers = 4, 2
    bus = EventBus(queue_size=queue_size, dispatchers=dispatchers)
    release = anyio.Event()
    peak = 0

    async def stalled(event: Event) -> None:
        await release.wait()

    bus.subscribe("job", stalled, name="stalled", timeout=None)
    sent = 0

    async def flood() -> None:
        nonlocal sent, peak
        for n in range(100):
            await bus.publish(Event(type="job", data={"n": n}))
            sent += 1
            peak = max(peak, bus.stats().pending)

    async with bus.running(), anyio.create_task_group() as tg:
        tg.start_soon(flood)
        await anyio.wait_all_tasks_blocked()
        assert sent == queue_size + dispatchers
        assert bus.stats().pending == queue_size + dispatchers + 1
        release.set()
    assert sent == 100
    assert peak <= queue_size + dispatchers + 1
    assert bus.stats().delivered == 100


async def test_leaving_running_delivers_what_is_queued() -> None:
    """Stopping the bus normally delivers queued events before returning."""
    bus = EventBus(queue_size=10, dispatchers=1)
    got: list[int] = []

    async def handler(event: Event) -> None:
        got.append(event.data["n"])

    bus.subscribe("job", handler, name="h")
    async with bus.running():
        for n in range(5):
            bus.publish_nowait(Event(type="job", data={"n": n}))
    assert got == [0, 1, 2, 3, 4]
    assert bus.stats().pending == 0


async def test_cancelled_bus_drops_queued_events_to_dead_letters() -> None:
    """Cancelling the running block drops queued and in-delivery events, counted and
    dead-lettered."""
    bus = EventBus(queue_size=10, dispatchers=1)
    started = anyio.Event()

    async def stalled(event: Event) -> None:
        started.set()
        await anyio.Event().wait()

    bus.subscribe("job", stalled, name="h", timeout=None)
    with anyio.CancelScope() as scope:
        async with bus.running():
            for n in range(3):
                bus.publish_nowait(Event(type="job", data={"n": n}))
            await started.wait()
            scope.cancel()
    stats = bus.stats()
    assert (stats.published, stats.pending, stats.dropped) == (3, 0, 3)
    letters = sorted((letter.event.data["n"], letter.reason) for letter in bus.dead_letters)
    assert letters == [(0, "cancelled"), (1, "dropped"), (2, "dropped")]


async def test_an_error_in_the_running_block_propagates_unchanged() -> None:
    """An exception leaving the running block comes out as itself (not wrapped in a
    group), after the events already queued were delivered."""
    bus = EventBus(queue_size=10, dispatchers=1)
    got: list[int] = []

    async def handler(event: Event) -> None:
        got.append(event.data["n"])

    bus.subscribe("job", handler, name="h")

    async def fail_while_running() -> None:
        async with bus.running():
            for n in range(3):
                bus.publish_nowait(Event(type="job", data={"n": n}))
            raise LookupError("user code")

    with pytest.raises(LookupError, match="user code"):
        await fail_while_running()
    assert got == [0, 1, 2]
