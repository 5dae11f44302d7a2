"""Lifecycle events: the types the engine, breakers and streams publish, and
small builders that make them from plain arguments.

Builders never take payloads, only their summaries (:func:`payload_summary`),
and name errors by type: an exception's message can quote the data that caused
it, so it is kept only for Orchestrion's own errors, whose messages never do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from .._event import Event
from ..exceptions import OrchestrionError
from ._payload import type_name

__all__ = [
    "BREAKER_CLOSED",
    "BREAKER_HALF_OPEN",
    "BREAKER_OPENED",
    "BREAKER_TYPES",
    "LIFECYCLE_TYPES",
    "RUN_FINISHED",
    "RUN_STARTED",
    "STEP_DEGRADED",
    "STEP_FAILED",
    "STEP_RETRYING",
    "STEP_STARTED",
    "STEP_SUCCEEDED",
    "STREAM_STATS",
    "breaker_event",
    "error_fields",
    "run_finished",
    "run_started",
    "step_degraded",
    "step_failed",
    "step_retrying",
    "step_started",
    "step_succeeded",
    "stream_stats",
]

RUN_STARTED = "run.started"
STEP_STARTED = "step.started"
STEP_SUCCEEDED = "step.succeeded"
STEP_FAILED = "step.failed"
STEP_RETRYING = "step.retrying"
STEP_DEGRADED = "step.degraded"
BREAKER_OPENED = "breaker.opened"
BREAKER_HALF_OPEN = "breaker.half_open"
BREAKER_CLOSED = "breaker.closed"
RUN_FINISHED = "run.finished"
STREAM_STATS = "stream.stats"

#: Every built-in event type, in the order a run meets them.
LIFECYCLE_TYPES = (
    RUN_STARTED,
    STEP_STARTED,
    STEP_RETRYING,
    STEP_SUCCEEDED,
    STEP_FAILED,
    STEP_DEGRADED,
    BREAKER_OPENED,
    BREAKER_HALF_OPEN,
    BREAKER_CLOSED,
    RUN_FINISHED,
    STREAM_STATS,
)

ENGINE = "orchestrion.engine"
RESILIENCE = "orchestrion.resilience"
STREAMS = "orchestrion.stream"

_MAX_MESSAGE = 500


def _event(type_: str, source: str, run_id: str | None, data: dict[str, Any]) -> Event:
    # Validated like any event: pydantic's model_construct, which skips
    # validation, measured twice as slow here (it fills defaults in Python).
    return Event(type=type_, source=source, correlation_id=run_id, data=data)


def error_fields(error: BaseException | str) -> dict[str, Any]:
    """``{"error_type": ..., "error": message-or-None}`` for an exception (or a
    type name); the message only for Orchestrion's own errors (see module doc)."""
    if isinstance(error, str):
        return {"error_type": error, "error": None}
    name = type_name(error)
    message = str(error)[:_MAX_MESSAGE] if isinstance(error, OrchestrionError) else None
    return {"error_type": name, "error": message}


def _step(step: str, component: str, item: int | None) -> dict[str, Any]:
    data: dict[str, Any] = {"step": step, "component": component}
    if item is not None:
        data["item"] = item
    return data


def run_started(
    run_id: str,
    *,
    workflow: str,
    steps: int,
    input: Mapping[str, Any] | None = None,
) -> Event:
    """``run.started``: run ``run_id`` of ``workflow`` (``steps`` steps) began;
    ``input`` is the input's :func:`payload_summary`."""
    data: dict[str, Any] = {"workflow": workflow, "steps": steps}
    if input is not None:
        data["input"] = dict(input)
    return _event(RUN_STARTED, ENGINE, run_id, data)


def step_started(
    run_id: str, *, step: str, component: str, attempt: int = 1, item: int | None = None
) -> Event:
    """``step.started``: an attempt (counted from 1) of ``step`` (fan-out ``item``) began."""
    data = _step(step, component, item)
    data["attempt"] = attempt
    return _event(STEP_STARTED, ENGINE, run_id, data)


def step_succeeded(
    run_id: str,
    *,
    step: str,
    component: str,
    attempt: int,
    duration: float,
    item: int | None = None,
    output: Mapping[str, Any] | None = None,
) -> Event:
    """``step.succeeded``: ``step`` succeeded on ``attempt`` after ``duration``
    seconds (all attempts); ``output`` is the output's :func:`payload_summary`."""
    data = _step(step, component, item)
    data.update(attempt=attempt, duration=duration)
    if output is not None:
        data["output"] = dict(output)
    return _event(STEP_SUCCEEDED, ENGINE, run_id, data)


def step_retrying(
    run_id: str,
    *,
    step: str,
    component: str,
    attempt: int,
    error: BaseException | str,
    wait: float,
    item: int | None = None,
) -> Event:
    """``step.retrying``: ``attempt`` of ``step`` failed with ``error`` and the
    next one starts in ``wait`` seconds."""
    data = _step(step, component, item)
    data.update(attempt=attempt, wait=wait, **error_fields(error))
    return _event(STEP_RETRYING, ENGINE, run_id, data)


def step_failed(
    run_id: str,
    *,
    step: str,
    component: str,
    attempt: int,
    duration: float,
    error: BaseException | str,
    item: int | None = None,
) -> Event:
    """``step.failed``: ``step`` failed for good on ``attempt`` after ``duration`` seconds."""
    data = _step(step, component, item)
    data.update(attempt=attempt, duration=duration, **error_fields(error))
    return _event(STEP_FAILED, ENGINE, run_id, data)


def step_degraded(
    run_id: str,
    *,
    step: str,
    component: str,
    error: BaseException | str,
    fallback: str | None,
    item: int | None = None,
) -> Event:
    """``step.degraded``: ``step`` failed with ``error`` and the run went on
    with ``fallback`` (a component type), or without the step when ``None``."""
    data = _step(step, component, item)
    data.update(fallback=fallback, **error_fields(error))
    return _event(STEP_DEGRADED, ENGINE, run_id, data)


#: The event type of each breaker state.
BREAKER_TYPES = {
    "open": BREAKER_OPENED,
    "half_open": BREAKER_HALF_OPEN,
    "closed": BREAKER_CLOSED,
}


def breaker_event(
    breaker: str,
    state: Literal["open", "half_open", "closed"],
    *,
    failure_rate: float | None = None,
    slow_call_rate: float | None = None,
    open_for: float | None = None,
    reason: str | None = None,
) -> Event:
    """``breaker.opened`` / ``breaker.half_open`` / ``breaker.closed``: the
    breaker of component type ``breaker`` moved to ``state``. Rates are
    percentages over its window; ``open_for`` the seconds it stays open;
    ``reason`` a short explanation. The correlation id is ``breaker:NAME``, so
    one breaker's transitions reach each handler in order."""
    try:
        type_ = BREAKER_TYPES[state]
    except KeyError:
        msg = f"breaker state must be one of {', '.join(BREAKER_TYPES)}, got {state!r}"
        raise ValueError(msg) from None
    extra = {
        "failure_rate": failure_rate,
        "slow_call_rate": slow_call_rate,
        "open_for": open_for,
        "reason": reason,
    }
    data: dict[str, Any] = {"breaker": breaker, "state": state}
    data.update({key: value for key, value in extra.items() if value is not None})
    return _event(type_, RESILIENCE, f"breaker:{breaker}", data)


def run_finished(
    run_id: str,
    *,
    workflow: str,
    status: str,
    duration: float,
    steps: Mapping[str, int] | None = None,
    output: Mapping[str, Any] | None = None,
) -> Event:
    """``run.finished``: the run ended with ``status`` (``succeeded``, ``failed``,
    ``partial``, ``cancelled``) after ``duration`` seconds; ``steps`` counts
    steps by final state; ``output`` is the output's :func:`payload_summary`."""
    data: dict[str, Any] = {"workflow": workflow, "status": status, "duration": duration}
    if steps is not None:
        data["steps"] = dict(steps)
    if output is not None:
        data["output"] = dict(output)
    return _event(RUN_FINISHED, ENGINE, run_id, data)


def stream_stats(stream: str, stats: Mapping[str, Any]) -> Event:
    """``stream.stats``: a snapshot of stream ``stream``'s statistics (numbers
    only), correlated as ``stream:NAME`` so snapshots arrive in order."""
    data: dict[str, Any] = {"stream": stream, **stats}
    return _event(STREAM_STATS, STREAMS, f"stream:{stream}", data)
