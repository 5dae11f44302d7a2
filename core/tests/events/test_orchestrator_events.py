"""An orchestrator owns one event bus, running while the orchestrator is entered."""

from __future__ import annotations

import anyio
import pytest

from orchestrion import ConfigError, Event, EventHandler, Orchestrator, hookimpl

pytestmark = pytest.mark.anyio


class Recorder:
    """A plugin recording every run event it is given."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def record(self, event: Event) -> None:
        self.seen.append(event.type)

    @hookimpl
    def register_event_handlers(self, register) -> None:  # type: ignore[no-untyped-def]
        register(EventHandler(name="recorder.runs", types=("run.*",), handler=self.record))


def make(**config: object) -> tuple[Orchestrator, Recorder]:
    recorder = Recorder()
    orch = Orchestrator(plugins=[recorder], config={"plugins": {"autoload": False}, **config})
    return orch, recorder


def running(orch: Orchestrator) -> bool:
    return orch.events.is_running


async def test_bus_runs_while_the_orchestrator_is_entered() -> None:
    """Inside `async with` the bus dispatches plugin handlers; leaving delivers the rest."""
    orch, recorder = make()
    assert not running(orch)
    async with orch:
        assert running(orch)
        assert orch.events.subscribers("run.finished") == ["recorder.runs"]
        for _ in range(3):
            orch.events.publish_nowait(Event(type="run.finished"))
    assert not running(orch)
    assert recorder.seen == ["run.finished"] * 3


async def test_each_orchestrator_has_its_own_bus() -> None:
    """Two orchestrators never share a bus or its subscriptions."""
    first, _ = make()
    second, _ = make()
    assert first.events is not second.events
    first.events.subscribe("x", lambda event: None, name="only.first")
    assert second.events.subscribers("x") == []


async def test_python_subscribers_get_events_published_from_python() -> None:
    """A handler subscribed from Python receives what is published on the bus."""
    orch, _ = make()
    got = anyio.Event()

    async def on_order(event: Event) -> None:
        got.set()

    async with orch:
        orch.events.subscribe("order.*", on_order, name="orders", timeout=1)
        await orch.events.publish(Event(type="order.created"))
        await got.wait()


async def test_errors_inside_the_block_propagate_unchanged() -> None:
    """An exception raised inside `async with orchestrator` comes out as itself."""
    orch, _ = make()
    with pytest.raises(KeyError):
        async with orch:
            raise KeyError("mine")


async def test_bad_events_config_fails_on_entering() -> None:
    """An invalid [events] table is a ConfigError naming the key when entering."""
    orch, _ = make(events={"queue_size": 0})
    with pytest.raises(ConfigError, match=r"events\.queue_size"):
        async with orch:
            pass
