"""Lifecycle events to OpenTelemetry spans: run -> step -> attempt.

Events carry their own times, so spans are started and ended at the event's
``time`` (not when the handler happens to run). One run's events reach a
handler in order (the bus keeps a correlation id's events in order), and a
handler never awaits between reading and updating its state, so no lock is
needed on one event loop.

Attributes are counts, names, statuses, durations, error types and payload
*summaries* (type and size): never payloads, never error messages of foreign
exceptions (events carry those only for Orchestrion's own errors).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from orchestrion.events import Event

__all__ = ["SpanTracker"]

# Run statuses that are not a success (a degraded run still answered).
_BAD_RUN = frozenset({"failed", "partial", "cancelled"})


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _ns(event: Event) -> int:
    # Integer arithmetic: a float timestamp loses the microseconds' last digits.
    return (event.time - _EPOCH) // _MICROSECOND * 1000


def _summary(prefix: str, summary: Any) -> dict[str, Any]:
    # Only the type and size of a payload summary: its hash could identify
    # (or, for short text, reveal) the data.
    if not isinstance(summary, dict):
        return {}
    out: dict[str, Any] = {}
    if isinstance(summary.get("type"), str):
        out[f"{prefix}.type"] = summary["type"]
    if isinstance(summary.get("size"), int):
        out[f"{prefix}.size"] = summary["size"]
    return out


@dataclass(slots=True)
class _Step:
    span: Span
    attempt: Span | None = None
    attempts: int = 0  # the number of the newest attempt started


@dataclass(slots=True)
class _Run:
    span: Span
    steps: dict[tuple[str, int | None], _Step] = field(default_factory=dict)


class SpanTracker:
    """Turns one orchestrator's lifecycle events into spans of ``tracer``.

    ``max_open_runs`` bounds the runs whose ``run.finished`` has not arrived
    (a crashed process never sends it): beyond it, the oldest run's spans are
    ended with ``orchestrion.status = "abandoned"``.
    """

    def __init__(self, tracer: Tracer, *, max_open_runs: int = 1000) -> None:
        self.tracer = tracer
        self.max_open_runs = max_open_runs
        self._runs: OrderedDict[str, _Run] = OrderedDict()

    @property
    def open_runs(self) -> int:
        """Runs started and not finished."""
        return len(self._runs)

    async def handle(self, event: Event) -> None:
        """The event handler: dispatch on the event type."""
        run_id = event.correlation_id
        if run_id is None:
            return
        kind = event.type
        if kind == "run.started":
            self._run_started(run_id, event)
            return
        run = self._runs.get(run_id)
        if run is None:  # started before tracing began, or already evicted
            return
        if kind == "run.finished":
            self._run_finished(run_id, run, event)
        elif kind == "step.started":
            self._step_started(run, event)
        elif kind == "step.retrying":
            self._step_retrying(run, event)
        elif kind in ("step.succeeded", "step.failed", "step.degraded"):
            self._step_ended(run, event)

    # -- runs --------------------------------------------------------------------

    def _run_started(self, run_id: str, event: Event) -> None:
        data = event.data
        attributes: dict[str, Any] = {
            "orchestrion.run_id": run_id,
            "orchestrion.workflow": str(data.get("workflow", "")),
            "orchestrion.steps": int(data.get("steps", 0)),
            **_summary("orchestrion.input", data.get("input")),
        }
        span = self.tracer.start_span(
            f"orchestrion.run {attributes['orchestrion.workflow']}",
            kind=SpanKind.INTERNAL,
            attributes=attributes,
            start_time=_ns(event),
        )
        self._runs[run_id] = _Run(span)
        while len(self._runs) > self.max_open_runs:
            _, oldest = self._runs.popitem(last=False)
            self._close_run(oldest, "abandoned", _ns(event))

    def _run_finished(self, run_id: str, run: _Run, event: Event) -> None:
        del self._runs[run_id]
        data = event.data
        status = str(data.get("status", "unknown"))
        span = run.span
        span.set_attribute("orchestrion.duration", float(data.get("duration", 0.0)))
        for name, count in (data.get("steps") or {}).items():
            span.set_attribute(f"orchestrion.steps.{name}", int(count))
        span.set_attributes(_summary("orchestrion.output", data.get("output")))
        self._close_run(run, status, _ns(event))

    def _close_run(self, run: _Run, status: str, end: int) -> None:
        # Steps still open when the run ends were cut short (cancelled).
        for step in run.steps.values():
            self._close_step(step, "unfinished", end)
        run.steps.clear()
        run.span.set_attribute("orchestrion.status", status)
        if status in _BAD_RUN or status == "abandoned":
            run.span.set_status(Status(StatusCode.ERROR, f"run {status}"))
        else:
            run.span.set_status(Status(StatusCode.OK))
        run.span.end(end_time=end)

    # -- steps and attempts ------------------------------------------------------

    def _key(self, event: Event) -> tuple[str, int | None]:
        item = event.data.get("item")
        return str(event.data.get("step", "")), item if isinstance(item, int) else None

    def _step_started(self, run: _Run, event: Event) -> None:
        key = self._key(event)
        start = _ns(event)
        data = event.data
        step = run.steps.get(key)
        if step is None:
            attributes: dict[str, Any] = {
                "orchestrion.step": key[0],
                "orchestrion.component": str(data.get("component", "")),
            }
            if key[1] is not None:
                attributes["orchestrion.item"] = key[1]
            name = key[0] if key[1] is None else f"{key[0]}[{key[1]}]"
            span = self.tracer.start_span(
                f"orchestrion.step {name}",
                context=trace.set_span_in_context(run.span),
                attributes=attributes,
                start_time=start,
            )
            step = run.steps[key] = _Step(span)
        attempt = int(data.get("attempt", step.attempts + 1))
        if step.attempt is not None:
            if attempt == step.attempts:  # already opened when its retry was announced
                return
            self._end_attempt(step, start, error_type=None)
        self._start_attempt(step, attempt, start)

    def _start_attempt(self, step: _Step, attempt: int, start: int) -> None:
        step.attempts = max(step.attempts, attempt)
        step.attempt = self.tracer.start_span(
            f"orchestrion.attempt {attempt}",
            context=trace.set_span_in_context(step.span),
            attributes={"orchestrion.attempt": attempt},
            start_time=start,
        )

    def _end_attempt(
        self, step: _Step, end: int, *, error_type: str | None, wait: float | None = None
    ) -> None:
        span = step.attempt
        if span is None:
            return
        step.attempt = None
        if error_type is None:
            span.set_status(Status(StatusCode.OK))
        else:
            span.set_attribute("error.type", error_type)
            span.set_status(Status(StatusCode.ERROR, error_type))
        if wait is not None:
            span.set_attribute("orchestrion.retry_wait", wait)
        span.end(end_time=end)

    def _step_retrying(self, run: _Run, event: Event) -> None:
        # The engine announces a step once (step.started) and each retry
        # (step.retrying): the failed attempt ends here and the next one
        # starts when the backoff wait is over.
        step = run.steps.get(self._key(event))
        if step is None:
            return
        data = event.data
        wait = data.get("wait")
        wait = float(wait) if isinstance(wait, int | float) else 0.0
        failed = int(data.get("attempt", step.attempts))
        end = _ns(event)
        self._end_attempt(step, end, error_type=str(data.get("error_type") or "error"), wait=wait)
        self._start_attempt(step, failed + 1, end + int(wait * 1_000_000_000))

    def _step_ended(self, run: _Run, event: Event) -> None:
        step = run.steps.pop(self._key(event), None)
        if step is None:
            return
        data = event.data
        end = _ns(event)
        status = event.type.removeprefix("step.")
        error_type = data.get("error_type")
        failed_attempt = status != "succeeded" and error_type is not None
        self._end_attempt(step, end, error_type=str(error_type) if failed_attempt else None)
        span = step.span
        attempt = data.get("attempt")
        span.set_attribute("orchestrion.attempts", int(attempt or step.attempts))
        if isinstance(data.get("duration"), int | float):
            span.set_attribute("orchestrion.duration", float(data["duration"]))
        if status == "degraded":
            fallback = data.get("fallback")
            span.set_attribute("orchestrion.fallback", str(fallback) if fallback else "none")
        if error_type is not None:
            span.set_attribute("error.type", str(error_type))
        span.set_attributes(_summary("orchestrion.output", data.get("output")))
        self._close_step(step, status, end)

    def _close_step(self, step: _Step, status: str, end: int) -> None:
        ok = status in ("succeeded", "degraded")
        self._end_attempt(step, end, error_type=None if ok else status)  # if still open
        span = step.span
        span.set_attribute("orchestrion.status", status)
        if ok:
            span.set_status(Status(StatusCode.OK))
        else:
            span.set_status(Status(StatusCode.ERROR, f"step {status}"))
        span.end(end_time=end)
