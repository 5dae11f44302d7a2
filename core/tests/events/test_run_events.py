"""RunEvents: the engine's per-run publisher of lifecycle events."""

from __future__ import annotations

import pytest

from orchestrion import Event, EventBus, TransientError
from orchestrion._events._run_events import RunEvents


class Watched:
    """A payload that notes whether anything measured it."""

    def __init__(self) -> None:
        self.measured = False

    def __len__(self) -> int:
        self.measured = True
        return 3


async def simulate(events: RunEvents, data: object) -> None:
    """A run of two steps: the first retried once, the second degraded."""
    await events.run_started(workflow="wf", steps=2, data=data)
    await events.step_started(step="fetch", component="http.get")
    await events.step_retrying(
        step="fetch", component="http.get", attempt=1, error=TransientError("busy"), wait=0.1
    )
    await events.step_started(step="fetch", component="http.get", attempt=2)
    await events.step_succeeded(
        step="fetch", component="http.get", attempt=2, duration=0.3, output=b"body"
    )
    await events.step_started(step="summarise", component="llm.call")
    await events.step_failed(
        step="summarise", component="llm.call", attempt=1, duration=1.0, error="TimeoutError"
    )
    await events.step_degraded(
        step="summarise", component="llm.call", error="TimeoutError", fallback="text.head"
    )
    await events.run_finished(
        workflow="wf", status="degraded", duration=1.5, steps={"succeeded": 1, "degraded": 1}
    )


@pytest.mark.anyio
async def test_lifecycle_events_arrive_in_order_with_summaries() -> None:
    """A run's events reach a handler in the order the run made them, with payload
    summaries instead of payloads."""
    bus = EventBus()
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    bus.subscribe("*", record, name="all")
    data = Watched()
    async with bus.running():
        await simulate(RunEvents(bus, "run-1"), data)
        await bus.drain()
    assert [(e.type, e.data.get("attempt")) for e in seen] == [
        ("run.started", None),
        ("step.started", 1),
        ("step.retrying", 1),
        ("step.started", 2),
        ("step.succeeded", 2),
        ("step.started", 1),
        ("step.failed", 1),
        ("step.degraded", None),
        ("run.finished", None),
    ]
    assert {e.correlation_id for e in seen} == {"run-1"}
    assert seen[0].data["input"]["size"] == 3
    assert seen[4].data["output"]["size"] == 4
    assert seen[-1].data["status"] == "degraded"


@pytest.mark.anyio
async def test_nothing_is_built_when_nobody_listens() -> None:
    """With no subscriber (or no bus), payloads are not even measured."""
    data = Watched()
    bus = EventBus()
    bus.subscribe("breaker.*", lambda event: None, name="breakers")
    await simulate(RunEvents(bus, "run-1"), data)
    await simulate(RunEvents(None, "run-2"), data)
    assert not data.measured
    assert bus.stats().published == 0


def test_for_run_is_none_unless_someone_listens() -> None:
    """for_run gives no publisher when no handler wants run or step events."""
    bus = EventBus()
    assert RunEvents.for_run(None, "r") is None
    assert RunEvents.for_run(bus, "r") is None
    bus.subscribe("breaker.*", lambda event: None, name="breakers")
    assert RunEvents.for_run(bus, "r") is None
    bus.subscribe("step.failed", lambda event: None, name="failures")
    events = RunEvents.for_run(bus, "r")
    assert events is not None
    assert events.run_id == "r"


@pytest.mark.anyio
async def test_retry_notices_become_step_retrying_events() -> None:
    """on_retry, the resilience retry observer, queues a step.retrying event."""
    from orchestrion import StepInfo
    from orchestrion._resilience import RetryNotice

    bus = EventBus()
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    bus.subscribe("step.retrying", record, name="retries")
    notice = RetryNotice(
        step=StepInfo("run-1", "fetch", "http.get", item=2),
        component="http.get",
        attempt=1,
        error=ConnectionError("reset"),
        wait=0.25,
    )
    async with bus.running():
        RunEvents(bus, "run-1").on_retry(notice)
        await bus.drain()
    [event] = seen
    assert event.correlation_id == "run-1"
    assert event.data == {
        "step": "fetch",
        "component": "http.get",
        "item": 2,
        "attempt": 1,
        "wait": 0.25,
        "error_type": "ConnectionError",
        "error": None,
    }
