"""Lifecycle event builders: types, correlation and payload-free data."""

from __future__ import annotations

import pytest

from orchestrion import Event, TransientError, events


def test_every_builtin_type_is_a_valid_distinct_event_type() -> None:
    """The built-in types are valid event types, each listed once."""
    assert len(set(events.LIFECYCLE_TYPES)) == len(events.LIFECYCLE_TYPES) == 11
    for type_ in events.LIFECYCLE_TYPES:
        Event(type=type_)


def test_run_and_step_builders_correlate_with_the_run() -> None:
    """Run and step events carry the run id as correlation id and plain data."""
    summary = events.payload_summary(b"abc")
    built = [
        events.run_started("r1", workflow="wf", steps=2, input=summary),
        events.step_started("r1", step="parse", component="json.parse", attempt=1),
        events.step_succeeded(
            "r1", step="parse", component="json.parse", attempt=1, duration=0.5, output=summary
        ),
        events.run_finished(
            "r1", workflow="wf", status="succeeded", duration=1.0, steps={"succeeded": 2}
        ),
    ]
    assert [e.type for e in built] == [
        events.RUN_STARTED,
        events.STEP_STARTED,
        events.STEP_SUCCEEDED,
        events.RUN_FINISHED,
    ]
    assert {e.correlation_id for e in built} == {"r1"}
    assert built[0].data["input"] == summary
    assert built[2].data == {
        "step": "parse",
        "component": "json.parse",
        "attempt": 1,
        "duration": 0.5,
        "output": summary,
    }
    for event in built:  # what the builders skip validating still validates
        assert Event.model_validate(event.model_dump()) == event


def test_foreign_error_messages_are_left_out() -> None:
    """A third-party exception is named by type only: its message may quote data."""
    event = events.step_failed(
        "r1",
        step="s",
        component="c",
        attempt=3,
        duration=1.5,
        error=ValueError("secret payload"),
        item=4,
    )
    assert event.data["error_type"] == "ValueError"
    assert event.data["error"] is None
    assert event.data["item"] == 4
    assert "secret" not in event.model_dump_json()


def test_orchestrion_error_messages_are_kept() -> None:
    """Orchestrion's own errors keep their message, which never holds data."""
    event = events.step_retrying(
        "r1", step="s", component="c", attempt=1, wait=0.2, error=TransientError("busy")
    )
    assert event.data["error_type"] == "orchestrion.exceptions.TransientError"
    assert event.data["error"] == "busy"
    assert event.data["wait"] == 0.2


def test_degraded_names_the_fallback() -> None:
    """step.degraded says which fallback (if any) took over."""
    event = events.step_degraded("r1", step="s", component="c", error="TimeoutError", fallback="d")
    assert event.type == "step.degraded"
    assert event.data["fallback"] == "d"
    assert event.data["error_type"] == "TimeoutError"


@pytest.mark.parametrize(
    ("state", "type_"),
    [("open", "breaker.opened"), ("half_open", "breaker.half_open"), ("closed", "breaker.closed")],
)
def test_breaker_events_by_state(state: str, type_: str) -> None:
    """Each breaker state maps to its event type; unset numbers are left out."""
    event = events.breaker_event("llm.call", state, failure_rate=60.0)  # type: ignore[arg-type]
    assert event.type == type_
    assert event.data == {"breaker": "llm.call", "state": state, "failure_rate": 60.0}
    assert event.source == "orchestrion.resilience"
    assert event.correlation_id == "breaker:llm.call"  # one breaker's events stay in order


def test_unknown_breaker_state_is_rejected() -> None:
    """A breaker state outside open/half_open/closed is an error."""
    with pytest.raises(ValueError, match="breaker state"):
        events.breaker_event("x", "ajar")  # type: ignore[arg-type]


def test_stream_stats_event() -> None:
    """stream.stats carries the stream name and its numbers."""
    event = events.stream_stats("orders", {"records_in": 10, "p95": 0.2})
    assert event.type == "stream.stats"
    assert event.data == {"stream": "orders", "records_in": 10, "p95": 0.2}
    assert event.correlation_id == "stream:orders"


@pytest.mark.anyio
async def test_breaker_transitions_become_events() -> None:
    """A breaker registry observed by breaker_observer publishes its transitions."""
    from orchestrion._events._wiring import breaker_observer
    from orchestrion._resilience._breakers import BreakerRegistry
    from orchestrion._resilience._policy import BreakerPolicy

    now = [0.0]
    bus = events.EventBus()
    seen: list[tuple[str, str | None]] = []

    async def record(event: Event) -> None:
        seen.append((event.type, event.data.get("reason")))

    bus.subscribe("breaker.*", record, name="breakers")
    registry = BreakerRegistry(clock=lambda: now[0], on_transition=breaker_observer(bus))
    policy = BreakerPolicy(window=2, minimum_calls=2, failure_rate=50, open_duration=5)
    breaker = registry.get("flaky.api", policy)
    async with bus.running():
        for _ in range(2):
            breaker.on_result(breaker.acquire(), RuntimeError("down"))
        now[0] = 10.0
        assert breaker.acquire().trial  # the open period is over: a trial call
        breaker.reset()
        await bus.drain()
    types = [type_ for type_, _ in seen]
    assert types == ["breaker.opened", "breaker.half_open", "breaker.closed"]
    assert all(reason for _, reason in seen)
