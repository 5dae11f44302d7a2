"""Subscribing by exact type, prefix or '*', unsubscribing, unrouted events."""

from __future__ import annotations

import pytest

from orchestrion import Event, EventBus, EventHandler, Orchestrator, hookimpl

pytestmark = pytest.mark.anyio


async def deliver(bus: EventBus, *types: str) -> None:
    async with bus.running():
        for type_ in types:
            await bus.publish(Event(type=type_))
        await bus.drain()


async def test_prefix_exact_and_wildcard_subscriptions() -> None:
    """'step.*' takes every step event, an exact type only itself, '*' everything."""
    bus = EventBus()
    got: dict[str, list[str]] = {"prefix": [], "exact": [], "all": []}

    def recorder(key: str):  # type: ignore[no-untyped-def]
        async def record(event: Event) -> None:
            got[key].append(event.type)

        return record

    bus.subscribe("step.*", recorder("prefix"), name="prefix")
    bus.subscribe(["run.finished"], recorder("exact"), name="exact")
    bus.subscribe("*", recorder("all"), name="all")
    await deliver(bus, "step.started", "steps.x", "step", "run.finished", "step.failed.hard")
    # Dispatchers deliver events concurrently, so arrival order is not fixed.
    assert sorted(got["prefix"]) == ["step.failed.hard", "step.started"]
    assert got["exact"] == ["run.finished"]
    assert len(got["all"]) == 5


async def test_events_nobody_wants_are_counted_unrouted() -> None:
    """An event no handler matches is counted as unrouted, and wants() says so."""
    bus = EventBus()

    async def handler(event: Event) -> None:
        pass

    bus.subscribe("run.*", handler)
    assert not bus.wants("step.started")
    assert bus.wants("run.started")
    await deliver(bus, "step.started", "step.failed", "run.started")
    stats = bus.stats()
    assert (stats.published, stats.unrouted, stats.delivered) == (3, 2, 1)


async def test_unsubscribe_stops_deliveries_and_clears_the_match_cache() -> None:
    """After unsubscribing (or leaving its with block) a handler gets nothing more;
    a type first published with no handler reaches one subscribed later."""
    bus = EventBus()
    got: list[str] = []

    async def handler(event: Event) -> None:
        got.append(event.type)

    await deliver(bus, "a")
    with bus.subscribe("a", handler, name="h"):
        await deliver(bus, "a")
    await deliver(bus, "a")
    assert got == ["a"]
    assert bus.stats().unrouted == 2
    assert bus.stats().handlers["h"].delivered == 1


@pytest.mark.parametrize("pattern", ["step*", "Step.x", "*.failed", "", "step.*.x"])
async def test_malformed_patterns_are_rejected(pattern: str) -> None:
    """Only event types, 'prefix.*' and '*' are accepted as patterns."""

    async def handler(event: Event) -> None:
        pass

    with pytest.raises(ValueError, match="event type"):
        EventBus().subscribe(pattern, handler)


async def test_handler_names_are_unique() -> None:
    """An explicit duplicate name is an error; default names get a suffix."""
    bus = EventBus()

    async def handler(event: Event) -> None:
        pass

    bus.subscribe("a", handler, name="h")
    with pytest.raises(ValueError, match="already subscribed"):
        bus.subscribe("b", handler, name="h")
    first = bus.subscribe("a", handler)
    second = bus.subscribe("a", handler)
    assert second.name == f"{first.name}#2"


class AuditPlugin:
    """A plugin registering one handler for every step event."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def on_step(self, event: Event) -> None:
        self.seen.append(event.type)

    @hookimpl
    def register_event_handlers(self, register) -> None:  # type: ignore[no-untyped-def]
        register(EventHandler(name="audit.steps", types=("step.*",), handler=self.on_step))


async def test_plugin_handlers_are_subscribed_from_the_registry() -> None:
    """Handlers a plugin registers through register_event_handlers receive events."""
    plugin = AuditPlugin()
    orch = Orchestrator(plugins=[plugin], env={"ORCHESTRION_DISABLE_AUTOLOAD": "1"})
    bus = EventBus(orch.registry.event_handlers.items.values())
    await deliver(bus, "step.started", "run.started")
    assert plugin.seen == ["step.started"]
    assert bus.stats().handlers["audit.steps"].types == ("step.*",)
