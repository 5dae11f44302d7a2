"""Event-triggered runs: config, starting runs from events, waiting for them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio
import pytest

from orchestrion import Config, ConfigError, Event, EventBus
from orchestrion._events._config import TriggerConfig, events_config
from orchestrion._events._triggers import Triggers


@dataclass
class FakeResult:
    """Stands in for a RunResult: a status and whether it is ok."""

    status: str
    ok: bool
    input: Any


def trigger(**fields: Any) -> TriggerConfig:
    return TriggerConfig.model_validate(fields)


def test_events_config_reads_the_triggers_table() -> None:
    """[[events.triggers]] entries become trigger configs with their targets."""
    config = Config.model_validate(
        {
            "events": {
                "queue_size": 10,
                "triggers": [
                    {"on": "order.created", "workflow": "wf/order.yaml", "input": "order"},
                    {"on": "doc.*", "process": True},
                ],
            }
        }
    )
    settings = events_config(config)
    assert settings.queue_size == 10
    assert [(t.on, t.workflow, t.process) for t in settings.triggers] == [
        ("order.created", "wf/order.yaml", False),
        ("doc.*", None, True),
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"on": "a", "workflow": "x.yaml", "process": True}, "exactly one of"),
        ({"on": "a"}, "exactly one of"),
        ({"on": "A*", "process": True}, "event type"),
        ({"on": "a", "process": True, "bogus": 1}, "bogus"),
    ],
)
def test_bad_trigger_config_names_the_key(entry: dict[str, Any], message: str) -> None:
    """A bad trigger is a ConfigError naming events.triggers.N and the problem."""
    config = Config.model_validate({"events": {"triggers": [entry]}}).model_copy(
        update={"source": "orchestrion.toml"}
    )
    with pytest.raises(ConfigError, match=message) as caught:
        events_config(config)
    assert str(caught.value).startswith("orchestrion.toml: events.triggers.0")


@pytest.mark.anyio
async def test_matching_event_starts_a_run_with_its_data() -> None:
    """A published event matching a trigger runs it with the event's data (or one
    key of it); non-matching events start nothing."""
    calls: list[tuple[str | None, Any, str]] = []

    async def runner(config: TriggerConfig, data: Any, event: Event) -> FakeResult:
        calls.append((config.workflow, data, event.id))
        return FakeResult("succeeded", True, data)

    triggers = Triggers(
        [
            trigger(on="order.*", workflow="order.yaml", input="order"),
            trigger(on="order.created", process=True, name="route.orders"),
        ],
        runner,
    )
    bus = EventBus()
    event = Event(type="order.created", data={"order": {"id": 7}})
    async with bus.running(), triggers.running(bus):
        await bus.publish(Event(type="invoice.created"))
        await bus.publish(event)
        await bus.drain()
        runs = triggers.runs_for(event.id)
    assert sorted(c[0] or "process" for c in calls) == ["order.yaml", "process"]
    assert ("order.yaml", {"id": 7}, event.id) in calls
    assert (None, {"order": {"id": 7}}, event.id) in calls
    assert sorted(r.trigger for r in runs) == ["route.orders", "trigger.1"]
    assert all(r.ok and r.status == "succeeded" for r in runs)
    assert bus.stats().unrouted == 1


@pytest.mark.anyio
async def test_run_outcomes_are_recorded() -> None:
    """A failed run and a run that could not start are recorded, not raised."""

    async def runner(config: TriggerConfig, data: Any, event: Event) -> FakeResult:
        if data.get("broken"):
            raise FileNotFoundError("wf.yaml")
        return FakeResult("failed", False, data)

    triggers = Triggers([trigger(on="job", process=True)], runner)
    bus = EventBus()
    failed, broken = Event(type="job", data={}), Event(type="job", data={"broken": True})
    async with bus.running(), triggers.running(bus):
        await bus.publish(failed)
        await bus.publish(broken)
        await bus.drain()
    [run] = triggers.runs_for(failed.id)
    assert (run.status, run.ok) == ("failed", False)
    [run] = triggers.runs_for(broken.id)
    assert (run.status, run.ok) == ("error", False)
    assert isinstance(run.error, FileNotFoundError)


@pytest.mark.anyio
async def test_missing_input_key_is_a_handler_failure() -> None:
    """An event lacking the trigger's input key starts nothing and is dead-lettered."""

    async def runner(config: TriggerConfig, data: Any, event: Event) -> None:
        raise AssertionError("must not run")

    triggers = Triggers([trigger(on="job", process=True, input="path")], runner)
    bus = EventBus()
    async with bus.running(), triggers.running(bus):
        await bus.publish(Event(type="job", data={"other": 1}))
        await bus.drain()
    [letter] = bus.dead_letters
    [failure] = letter.failures
    assert failure.error_type == "orchestrion.exceptions.ConfigError"
    assert "no data key 'path'" in failure.error


@pytest.mark.anyio
async def test_triggered_runs_are_bounded() -> None:
    """No more than max_runs triggered runs are in progress at once."""
    release = anyio.Event()
    active = peak = started = 0
    all_blocked = anyio.Event()

    async def runner(config: TriggerConfig, data: Any, event: Event) -> FakeResult:
        nonlocal active, peak, started
        active += 1
        started += 1
        peak = max(peak, active)
        if started == 2:
            all_blocked.set()
        await release.wait()
        active -= 1
        return FakeResult("succeeded", True, data)

    triggers = Triggers([trigger(on="job", process=True)], runner, max_runs=2)
    bus = EventBus()
    async with bus.running(), triggers.running(bus):
        for n in range(5):
            await bus.publish(Event(type="job", data={"n": n}))
        await all_blocked.wait()
        await anyio.wait_all_tasks_blocked()
        assert (triggers.in_flight, started) == (2, 2)
        release.set()
        await bus.drain()
    assert (peak, started) == (2, 5)


@pytest.mark.anyio
async def test_drain_waits_for_runs_triggered_by_runs() -> None:
    """drain returns only once runs started by events of other runs are done."""
    bus = EventBus()
    order: list[str] = []

    async def runner(config: TriggerConfig, data: Any, event: Event) -> FakeResult:
        order.append(event.type)
        if event.type == "first":
            await bus.publish(Event(type="second"))
        return FakeResult("succeeded", True, data)

    triggers = Triggers(
        [trigger(on="first", process=True), trigger(on="second", process=True)], runner
    )
    async with bus.running(), triggers.running(bus):
        await bus.publish(Event(type="first"))
        await bus.drain()
        assert order == ["first", "second"]


@pytest.mark.anyio
async def test_trigger_name_taken_by_a_handler_is_a_config_error() -> None:
    """A trigger named like an existing handler is a ConfigError naming the key."""

    async def runner(config: TriggerConfig, data: Any, event: Event) -> None:
        return None

    bus = EventBus()
    bus.subscribe("x", lambda event: None, name="audit")
    triggers = Triggers([trigger(on="job", process=True, name="audit")], runner)
    with pytest.raises(ConfigError, match=r"events\.triggers\.0\.name: .*already subscribed"):
        async with triggers.running(bus):
            pass
