"""What step policies leave on run results and on the orchestrator: failure
records, the original error and fallback of a degraded step, usage, retries."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from orchestrion import (
    ComponentType,
    Orchestrator,
    StepContext,
    StepInfo,
    TransientError,
    hookimpl,
)
from orchestrion.exceptions import ParseError
from orchestrion.testing import set_testing

pytestmark = pytest.mark.anyio


class Parts:
    """Test plugin: components failing in chosen ways, counting their calls."""

    orchestrion_plugin_name = "parts"

    def __init__(self, *, plugin_fallback: Any = None) -> None:
        self.calls: dict[str, int] = {}
        self.plugin_fallback = plugin_fallback
        self.asked: list[tuple[str, str]] = []

    def count(self, name: str) -> None:
        """Note one call of ``name``."""
        self.calls[name] = self.calls.get(name, 0) + 1

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """The ``p.*`` component types."""
        parts = self

        class Down:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                parts.count("down")
                raise ConnectionError("service unreachable")

        class Twice:
            """Fails its first two attempts with a TransientError."""

            async def process(self, data: Any, ctx: StepContext) -> Any:
                parts.count("twice")
                if ctx.attempt < 3:
                    raise TransientError(f"busy on attempt {ctx.attempt}")
                return f"done after {ctx.attempt}"

        class Refuse:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                parts.count("refuse")
                raise ParseError("not a document", line=1, column=1)

        class Backup:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                parts.count("backup")
                ctx.extra["usage"] = {"tokens": 1, "model": "small"}
                return f"backup:{ctx.info.component}"

        class Metered:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                ctx.extra["usage"] = {"tokens": data + 1, "model": "m", "cached": False}
                return data

        class Split:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                return range(data)

        def simple(name: str, cls: Any, **kw: Any) -> None:
            register(ComponentType(name=name, factory=lambda _o: cls(), **kw))

        simple("p.down", Down)
        simple("p.twice", Twice)
        simple("p.refuse", Refuse)
        simple("p.backup", Backup)
        simple("p.metered", Metered)
        simple("p.split", Split, emits="many")

    @hookimpl
    def provide_fallback(self, step: StepInfo, data: Any, error: BaseException) -> Any:
        """Answer ``plugin_fallback`` (None: no answer) and note what was asked."""
        self.asked.append((step.step, type(error).__name__))
        return self.plugin_fallback


@pytest.fixture(autouse=True)
def instant() -> Iterator[None]:
    """Retry waits take no time (through the public testing switch)."""
    with set_testing(True):
        yield


def orchestrator(parts: Parts) -> Orchestrator:
    """An orchestrator with only the built-ins and ``parts``."""
    return Orchestrator(plugins=[parts], config={"plugins": {"autoload": False}}, env={})


def one_step(component: str, **policy: Any) -> dict[str, Any]:
    """A workflow of one step ``s`` with ``policy``."""
    return {"name": "one", "steps": {"s": {"component": component, "policy": policy}}}


async def test_degraded_step_records_fallback_error_and_failures() -> None:
    """A fallback component's answer: degraded, with the original error, the
    fallback's name, every failed attempt, and the same records on the orchestrator."""
    parts = Parts()
    flow = one_step("p.down", retry={"attempts": 3}, fallback={"components": ["p.backup"]})
    async with orchestrator(parts) as orch:
        result = await orch.run(flow, "data")
    step = result.steps["s"]
    assert (result.status, step.status, step.output) == ("degraded", "degraded", "backup:p.backup")
    assert step.fallback == "component:p.backup"
    assert step.error is not None
    assert step.error.type == "ConnectionError"
    assert step.degraded_reason == "component:p.backup after ConnectionError"
    assert step.attempts == 3
    assert [(f.attempt, f.error_type) for f in step.failures] == [
        (1, "ConnectionError"),
        (2, "ConnectionError"),
        (3, "ConnectionError"),
    ]
    assert {f.run_id for f in step.failures} == {result.run_id}
    assert result.failures == step.failures
    assert orch.failures.query(run_id=result.run_id) == step.failures
    assert step.usage == {"tokens": 1, "model": "small"}  # what the fallback reported
    assert step.instance is not None
    assert step.instance.startswith("p.backup")
    assert parts.calls == {"down": 3, "backup": 1}
    assert parts.asked == []  # the alternative answered first
    json.loads(result.model_dump_json())  # still serialisable


async def test_plugin_fallback_answers_after_alternatives() -> None:
    """provide_fallback answers when no alternative does; the plugin is named."""
    parts = Parts(plugin_fallback="from the plugin")
    async with orchestrator(parts) as orch:
        result = await orch.run(one_step("p.down", retry={"attempts": 1}), "data")
    step = result.steps["s"]
    assert (step.status, step.output, step.fallback) == (
        "degraded",
        "from the plugin",
        "plugin:parts",
    )
    assert parts.asked == [("s", "ConnectionError")]


async def test_failed_step_keeps_its_failure_records() -> None:
    """Without a fallback answer the step fails with its last error and every record."""
    parts = Parts()
    async with orchestrator(parts) as orch:
        result = await orch.run(one_step("p.down", retry={"attempts": 2}), "data")
    step = result.steps["s"]
    assert (result.status, step.status, step.fallback) == ("failed", "failed", None)
    assert step.error is not None
    assert step.error.type == "ConnectionError"
    assert [f.attempt for f in step.failures] == [1, 2]


async def test_retried_step_succeeds_with_its_attempts_recorded() -> None:
    """A step that succeeds on attempt 3 is succeeded, with 3 attempts and 2 records."""
    parts = Parts()
    async with orchestrator(parts) as orch:
        result = await orch.run(one_step("p.twice", retry={"attempts": 3}), None)
    step = result.steps["s"]
    assert (step.status, step.output, step.attempts) == ("succeeded", "done after 3", 3)
    assert [f.error_type for f in step.failures] == ["orchestrion.exceptions.TransientError"] * 2


async def test_permanent_errors_are_never_retried_even_if_named() -> None:
    """retry_on = ['Exception'] still attempts a ParseError (a PermanentError) once."""
    parts = Parts()
    async with orchestrator(parts) as orch:
        result = await orch.run(
            one_step("p.refuse", retry={"attempts": 5, "retry_on": ["Exception"]}), "x"
        )
    step = result.steps["s"]
    assert (step.status, step.attempts) == ("failed", 1)
    assert step.error is not None
    assert step.error.type == "ParseError"
    assert parts.calls == {"refuse": 1}


async def test_usage_is_recorded_per_step_and_summed_over_items() -> None:
    """ctx.extra['usage'] lands on the step result; per-item numbers are summed."""
    flow = {
        "name": "usage",
        "steps": {
            "one": {"component": "p.metered"},
            "split": {"component": "p.split", "depends_on": ["one"]},
            "each": {"component": "p.metered", "for_each": "split"},
        },
    }
    async with orchestrator(Parts()) as orch:
        result = await orch.run(flow, 3)
    assert result.steps["one"].usage == {"tokens": 4, "model": "m", "cached": False}
    each = result.steps["each"]
    assert each.items is not None
    assert [item.usage for item in each.items] == [
        {"tokens": n + 1, "model": "m", "cached": False} for n in range(3)
    ]
    assert each.usage == {"tokens": 6, "model": "m", "cached": False}
    assert result.steps["split"].usage is None


async def test_a_tripped_breaker_is_what_routing_sees() -> None:
    """The orchestrator's one breaker registry serves runs and health-aware routing."""
    parts = Parts()
    breaker = {"window": 2, "minimum_calls": 2, "open_duration": 60}
    flow = one_step("p.down", retry={"attempts": 1}, breaker=breaker)
    async with orchestrator(parts) as orch:
        assert orch.routing.breaker_state("p.down") == "closed"
        for _ in range(3):
            await orch.run(flow, "x")
        assert orch.routing.breaker_state("p.down") == "open"
        found = orch.breakers.find("p.down")
        assert found is not None
        assert found.metrics().trips == 1
        last = await orch.run(flow, "x")
    assert parts.calls == {"down": 2}
    error = last.steps["s"].error
    assert error is not None
    assert error.type == "CircuitOpenError"
