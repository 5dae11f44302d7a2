"""Real runs: the engine's lifecycle events become spans end to end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode
from orchestrion_otel import OtelPlugin

from orchestrion import (
    ComponentType,
    Orchestrator,
    PluginSelection,
    StepContext,
    TransientError,
    hookimpl,
)
from orchestrion.testing import set_testing

pytestmark = pytest.mark.anyio


class Upper:
    """Upper-cases text."""

    async def process(self, data: Any, ctx: StepContext) -> Any:
        """The upper-cased text."""
        return str(data).upper()


class Flaky:
    """Fails its first attempt with a TransientError, then echoes."""

    async def process(self, data: Any, ctx: StepContext) -> Any:
        """Fail once."""
        if ctx.attempt < 2:
            raise TransientError("busy")
        return data


class Broken:
    """Always fails, quoting its input."""

    async def process(self, data: Any, ctx: StepContext) -> Any:
        """Fail."""
        raise ValueError(f"cannot handle {data!r}")


class Parts:
    """The ``t.*`` component types."""

    orchestrion_plugin_name = "parts"

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """Register the test types."""
        register(ComponentType(name="t.upper", factory=lambda _o: Upper()))
        register(ComponentType(name="t.flaky", factory=lambda _o: Flaky()))
        register(ComponentType(name="t.broken", factory=lambda _o: Broken()))


@pytest.fixture(autouse=True)
def instant() -> Iterator[None]:
    """Retry waits take no time."""
    with set_testing(True):
        yield


def make(exporter: InMemorySpanExporter) -> Orchestrator:
    """An orchestrator with the test components and the otel plugin."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return Orchestrator(
        plugins=[Parts(), OtelPlugin(tracer_provider=provider)],
        selection=PluginSelection(autoload=False),
        env={},
    )


def by_name(exporter: InMemorySpanExporter) -> dict[str, ReadableSpan]:
    """Finished spans by name."""
    return {s.name: s for s in exporter.get_finished_spans()}


async def test_a_run_with_a_retry_is_traced() -> None:
    """run -> steps -> attempts, with the retried step's two attempts, from a real run."""
    exporter = InMemorySpanExporter()
    flow = {
        "name": "shout",
        "steps": {
            "up": {"component": "t.upper"},
            "retry": {
                "component": "t.flaky",
                "depends_on": ["up"],
                "policy": {"retry": {"attempts": 3}},
            },
        },
    }
    async with make(exporter) as orch:
        result = await orch.run(flow, "top secret words")
    assert result.status == "succeeded"
    spans = by_name(exporter)
    run = spans["orchestrion.run shout"]
    step = spans["orchestrion.step retry"]
    assert run.attributes is not None
    assert run.attributes["orchestrion.status"] == "succeeded"
    assert run.attributes["orchestrion.run_id"] == result.run_id
    assert step.parent is not None
    assert step.parent.span_id == run.context.span_id
    assert step.attributes is not None
    assert step.attributes["orchestrion.attempts"] == 2
    assert step.attributes["orchestrion.component"] == "t.flaky"
    attempts = [
        s
        for s in exporter.get_finished_spans()
        if s.name.startswith("orchestrion.attempt")
        and s.parent is not None
        and s.parent.span_id == step.context.span_id
    ]
    assert sorted(s.name for s in attempts) == ["orchestrion.attempt 1", "orchestrion.attempt 2"]
    first = next(s for s in attempts if s.name == "orchestrion.attempt 1")
    assert first.status.status_code is StatusCode.ERROR
    assert first.attributes is not None
    assert first.attributes["error.type"] == "orchestrion.exceptions.TransientError"
    dumped = " ".join(str(dict(s.attributes or {})) for s in exporter.get_finished_spans())
    assert "top secret" not in dumped.lower()


async def test_a_failed_run_is_an_error_trace() -> None:
    """A failing step makes ERROR step and run spans carrying the error type only."""
    exporter = InMemorySpanExporter()
    flow = {"name": "bad", "steps": {"b": {"component": "t.broken"}}}
    async with make(exporter) as orch:
        result = await orch.run(flow, "private input")
    assert result.status == "failed"
    spans = by_name(exporter)
    step, run = spans["orchestrion.step b"], spans["orchestrion.run bad"]
    assert step.status.status_code is StatusCode.ERROR
    assert step.attributes is not None
    assert step.attributes["error.type"] == "ValueError"
    assert run.status.status_code is StatusCode.ERROR
    dumped = " ".join(str(dict(s.attributes or {})) for s in spans.values())
    assert "private input" not in dumped
