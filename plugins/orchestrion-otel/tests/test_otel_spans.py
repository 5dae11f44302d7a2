"""Lifecycle events become run -> step -> attempt spans.

These tests publish events through ``orch.events`` with the public builders,
so each case (times, items, degraded steps, unknown runs) is exact;
``test_otel_engine.py`` traces real runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from orchestrion_otel import OtelPlugin

from orchestrion import Orchestrator, PluginSelection
from orchestrion.events import (
    Event,
    payload_summary,
    run_finished,
    run_started,
    step_degraded,
    step_failed,
    step_retrying,
    step_started,
    step_succeeded,
)

pytestmark = pytest.mark.anyio

RUN = "run-1"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    """An in-memory exporter receiving every finished span."""
    exporter = InMemorySpanExporter()
    yield exporter
    exporter.clear()


def make(exporter: InMemorySpanExporter, **config: Any) -> Orchestrator:
    """An orchestrator with only the otel plugin, exporting to ``exporter``."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return Orchestrator(
        plugins=[OtelPlugin(tracer_provider=provider)],
        selection=PluginSelection(autoload=False),
        config=config or None,
        env={},
    )


def at(event: Event, ms: int) -> Event:
    """``event`` stamped ``ms`` milliseconds after T0 (events carry their time)."""
    return event.model_copy(update={"time": T0 + timedelta(milliseconds=ms)})


def by_name(spans: tuple[ReadableSpan, ...]) -> dict[str, ReadableSpan]:
    """Finished spans by name."""
    return {s.name: s for s in spans}


async def publish(orch: Orchestrator, *events: Event) -> None:
    """Publish ``events`` in order on a running bus and wait for delivery."""
    async with orch:
        for event in events:
            await orch.events.publish(event)


async def test_a_run_with_a_retried_step_makes_nested_spans(
    exporter: InMemorySpanExporter,
) -> None:
    """run -> step -> two attempts, the first failed, with times from the events."""
    orch = make(exporter)
    await publish(
        orch,
        at(run_started(RUN, workflow="wf", steps=1, input=payload_summary("secret text")), 0),
        at(step_started(RUN, step="parse", component="json.parse", attempt=1), 1),
        at(
            step_retrying(
                RUN,
                step="parse",
                component="json.parse",
                attempt=1,
                error=TimeoutError("x"),
                wait=0.001,
            ),
            5,
        ),
        at(step_started(RUN, step="parse", component="json.parse", attempt=2), 6),
        at(
            step_succeeded(
                RUN,
                step="parse",
                component="json.parse",
                attempt=2,
                duration=0.009,
                output=payload_summary({"a": 1}),
            ),
            10,
        ),
        at(run_finished(RUN, workflow="wf", status="succeeded", duration=0.012), 12),
    )
    spans = by_name(exporter.get_finished_spans())
    assert set(spans) == {
        "orchestrion.run wf",
        "orchestrion.step parse",
        "orchestrion.attempt 1",
        "orchestrion.attempt 2",
    }
    run, step = spans["orchestrion.run wf"], spans["orchestrion.step parse"]
    first, second = spans["orchestrion.attempt 1"], spans["orchestrion.attempt 2"]
    assert run.parent is None
    assert step.parent is not None
    assert step.parent.span_id == run.context.span_id
    assert first.parent is not None
    assert first.parent.span_id == step.context.span_id
    assert second.parent is not None
    assert second.parent.span_id == step.context.span_id
    assert {s.context.trace_id for s in spans.values()} == {run.context.trace_id}
    assert run.attributes is not None
    assert dict(run.attributes) == {
        "orchestrion.run_id": RUN,
        "orchestrion.workflow": "wf",
        "orchestrion.steps": 1,
        "orchestrion.input.type": "str",
        "orchestrion.input.size": 11,
        "orchestrion.duration": 0.012,
        "orchestrion.status": "succeeded",
    }
    assert step.attributes is not None
    assert step.attributes["orchestrion.component"] == "json.parse"
    assert step.attributes["orchestrion.attempts"] == 2
    assert step.attributes["orchestrion.status"] == "succeeded"
    assert step.attributes["orchestrion.output.size"] == 1
    assert first.status.status_code is StatusCode.ERROR
    assert first.attributes is not None
    assert first.attributes["error.type"] == "TimeoutError"
    assert first.attributes["orchestrion.retry_wait"] == 0.001
    assert first.end_time is not None
    assert second.start_time == first.end_time + 1_000_000  # after the backoff wait
    assert second.status.status_code is StatusCode.OK
    assert run.start_time == int(T0.timestamp() * 1e9)
    assert run.end_time == run.start_time + 12_000_000
    assert first.end_time == run.start_time + 5_000_000


async def test_failed_and_degraded_steps_and_fan_out_items(
    exporter: InMemorySpanExporter,
) -> None:
    """A failed step is an ERROR span; a degraded one is OK with its fallback; items get spans."""
    orch = make(exporter)
    await publish(
        orch,
        at(run_started(RUN, workflow="wf", steps=2), 0),
        at(step_started(RUN, step="each", component="c.x", item=0), 1),
        at(step_started(RUN, step="each", component="c.x", item=1), 1),
        at(
            step_failed(
                RUN,
                step="each",
                component="c.x",
                attempt=1,
                duration=0.001,
                error="ValueError",
                item=0,
            ),
            2,
        ),
        at(
            step_degraded(
                RUN, step="each", component="c.x", error="KeyError", fallback="c.y", item=1
            ),
            3,
        ),
        at(run_finished(RUN, workflow="wf", status="partial", duration=0.004), 4),
    )
    spans = by_name(exporter.get_finished_spans())
    failed, degraded = spans["orchestrion.step each[0]"], spans["orchestrion.step each[1]"]
    assert failed.status.status_code is StatusCode.ERROR
    assert failed.attributes is not None
    assert failed.attributes["error.type"] == "ValueError"
    assert failed.attributes["orchestrion.item"] == 0
    assert degraded.status.status_code is StatusCode.OK
    assert degraded.attributes is not None
    assert degraded.attributes["orchestrion.status"] == "degraded"
    assert degraded.attributes["orchestrion.fallback"] == "c.y"
    assert spans["orchestrion.run wf"].status.status_code is StatusCode.ERROR


async def test_steps_open_at_the_end_of_a_run_are_closed_unfinished(
    exporter: InMemorySpanExporter,
) -> None:
    """A cancelled run ends its in-flight step and attempt spans, marked unfinished."""
    orch = make(exporter)
    await publish(
        orch,
        at(run_started(RUN, workflow="wf", steps=1), 0),
        at(step_started(RUN, step="slow", component="c.x"), 1),
        at(run_finished(RUN, workflow="wf", status="cancelled", duration=0.002), 2),
    )
    spans = by_name(exporter.get_finished_spans())
    step = spans["orchestrion.step slow"]
    assert step.attributes is not None
    assert step.attributes["orchestrion.status"] == "unfinished"
    assert step.status.status_code is StatusCode.ERROR
    assert spans["orchestrion.attempt 1"].end_time == step.end_time
    assert len(spans) == 3


async def test_no_payload_reaches_any_span(exporter: InMemorySpanExporter) -> None:
    """Payload text and hashes never appear in span names or attributes."""
    secret = "credit card 4111 1111 1111 1111"
    summary = payload_summary(secret)
    orch = make(exporter)
    await publish(
        orch,
        at(run_started(RUN, workflow="wf", steps=1, input=summary), 0),
        at(step_started(RUN, step="s", component="c.x"), 1),
        at(
            step_succeeded(
                RUN, step="s", component="c.x", attempt=1, duration=0.001, output=summary
            ),
            2,
        ),
        at(run_finished(RUN, workflow="wf", status="succeeded", duration=0.002, output=summary), 3),
    )
    dumped = " ".join(f"{s.name} {dict(s.attributes or {})}" for s in exporter.get_finished_spans())
    assert secret not in dumped
    assert str(summary["sha256"]) not in dumped


async def test_events_of_unknown_runs_are_ignored(exporter: InMemorySpanExporter) -> None:
    """Step events of a run whose start was never seen make no spans and no errors."""
    orch = make(exporter)
    await publish(
        orch,
        at(step_started("other", step="s", component="c.x"), 1),
        at(run_finished("other", workflow="wf", status="succeeded", duration=0.1), 2),
    )
    assert exporter.get_finished_spans() == ()
    assert orch.events.stats().handlers["otel.spans"].failed == 0
