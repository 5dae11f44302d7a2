"""Dead letters: events no handler took, kept bounded and handed to a sink."""

from __future__ import annotations

import pytest

from orchestrion import Event, EventBus
from orchestrion.events import DeadLetter

pytestmark = pytest.mark.anyio


async def fail_a(event: Event) -> None:
    raise RuntimeError("a failed")


async def fail_b(event: Event) -> None:
    raise LookupError("b failed")


async def succeed(event: Event) -> None:
    pass


async def test_event_whose_handlers_all_failed_is_dead_lettered() -> None:
    """When every matching handler fails, the event becomes a dead letter saying why."""
    bus = EventBus()
    bus.subscribe("order.created", fail_a, name="a")
    bus.subscribe("order.*", fail_b, name="b")
    event = Event(type="order.created")
    async with bus.running():
        await bus.publish(event)
        await bus.drain()
    [letter] = bus.dead_letters
    assert letter.event == event
    assert letter.reason == "failed"
    assert sorted((f.handler, f.error_type, f.error) for f in letter.failures) == [
        ("a", "RuntimeError", "a failed"),
        ("b", "LookupError", "b failed"),
    ]
    assert (bus.stats().failed, bus.stats().dead_letters) == (1, 1)


async def test_partly_failed_event_is_not_dead_lettered() -> None:
    """An event that at least one handler took is not a dead letter."""
    bus = EventBus()
    bus.subscribe("a", fail_a, name="a")
    bus.subscribe("a", succeed, name="ok")
    await bus.publish(Event(type="a"))
    assert bus.dead_letters == []
    assert bus.stats().partial == 1


async def test_dead_letter_list_is_bounded() -> None:
    """Only the latest dead letters are kept; the count covers them all."""
    bus = EventBus(dead_letter_limit=2)
    bus.subscribe("a", fail_a, name="a")
    sent = [Event(type="a", data={"n": n}) for n in range(3)]
    for event in sent:
        await bus.publish(event)
    assert [letter.event for letter in bus.dead_letters] == sent[1:]
    assert bus.stats().dead_letters == 3


async def test_sink_receives_dead_letters_and_its_failures_are_counted() -> None:
    """The sink is awaited with each dead letter; a failing sink is counted, never raised."""
    stored: list[DeadLetter] = []

    async def sink(letter: DeadLetter) -> None:
        stored.append(letter)
        if len(stored) == 2:
            raise OSError("disk full")

    bus = EventBus(sink=sink)
    bus.subscribe("a", fail_a, name="a")
    async with bus.running():
        await bus.publish(Event(type="a"))
        await bus.publish(Event(type="a"))
        await bus.drain()
    assert len(stored) == 2
    assert bus.stats().sink_errors == 1


async def test_publish_nowait_on_a_stopped_bus_drops_to_dead_letters() -> None:
    """publish_nowait cannot queue on a bus that is not running: it returns False
    and records the event as a dropped dead letter; unrouted events are fine."""
    bus = EventBus()
    bus.subscribe("a", succeed, name="ok")
    event = Event(type="a")
    assert bus.publish_nowait(Event(type="nobody.listens"))
    assert not bus.publish_nowait(event)
    [letter] = bus.dead_letters
    assert (letter.event, letter.reason) == (event, "dropped")
    stats = bus.stats()
    assert (stats.published, stats.unrouted, stats.dropped) == (2, 1, 1)
