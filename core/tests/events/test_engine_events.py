"""The engine publishes each run's lifecycle events, in order, without payloads."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrion import (
    ComponentType,
    Event,
    Orchestrator,
    PermanentError,
    StepContext,
    TransientError,
    hookimpl,
)

pytestmark = pytest.mark.anyio


class Upper:
    """Upper-cases text."""

    async def process(self, data: str, ctx: StepContext) -> str:
        return data.upper()


class FlakyUpper:
    """Fails its first attempt (worth a retry), then upper-cases text."""

    async def process(self, data: str, ctx: StepContext) -> str:
        if ctx.attempt == 1:
            raise TransientError("busy")
        return data.upper()


class Refuse:
    """Always fails for good."""

    async def process(self, data: str, ctx: StepContext) -> str:
        raise PermanentError("refused")


class Kit:
    """Registers the test components."""

    @hookimpl
    def register_components(self, register: Any) -> None:
        register(ComponentType(name="ev.upper", factory=lambda options: Upper()))
        register(ComponentType(name="ev.flaky", factory=lambda options: FlakyUpper()))
        register(ComponentType(name="ev.refuse", factory=lambda options: Refuse()))


# No waits between attempts, and no breaker to trip: the test is about events.
NO_WAIT = {"attempts": 2, "wait_initial": 0, "wait_max": 0, "wait_jitter": 0}


def workflow(last: str, fallback: bool) -> dict[str, Any]:
    """flaky -> last; ``last`` may fall back to ev.upper."""
    policy: dict[str, Any] = {"retry": NO_WAIT, "breaker": {"enabled": False}}
    if fallback:
        policy["fallback"] = {"components": ["ev.upper"]}
    return {
        "name": "lifecycle",
        "policy": {"retry": NO_WAIT, "breaker": {"enabled": False}},
        "steps": {
            "fetch": {"component": "ev.flaky"},
            "finish": {"component": last, "depends_on": ["fetch"], "policy": policy},
        },
    }


async def run_recorded(wf: dict[str, Any]) -> tuple[list[Event], Any]:
    orch = Orchestrator(plugins=[Kit()], config={"plugins": {"autoload": False}})
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    orch.events.subscribe(["run.*", "step.*"], record, name="recorder")
    async with orch:
        result = await orch.run(wf, "secret text")
        await orch.events.drain()
    return seen, result


async def test_run_with_a_retry_and_a_degraded_step() -> None:
    """run.started, a retried step, a degraded step, run.finished: in order,
    correlated by run id, with summaries instead of payloads."""
    seen, result = await run_recorded(workflow("ev.refuse", fallback=True))
    assert [(e.type, e.data.get("step")) for e in seen] == [
        ("run.started", None),
        ("step.started", "fetch"),
        ("step.retrying", "fetch"),
        ("step.succeeded", "fetch"),
        ("step.started", "finish"),
        ("step.degraded", "finish"),
        ("run.finished", None),
    ]
    assert {e.correlation_id for e in seen} == {result.run_id}
    retrying, succeeded, degraded = seen[2], seen[3], seen[5]
    assert retrying.data["error_type"] == "orchestrion.exceptions.TransientError"
    assert succeeded.data["attempt"] == 2
    assert succeeded.data["output"]["size"] == len("SECRET TEXT")
    assert degraded.data["error_type"] == "orchestrion.exceptions.PermanentError"
    assert degraded.data["fallback"]
    assert seen[-1].data["status"] == result.status == "degraded"
    assert all("secret" not in e.model_dump_json().lower() for e in seen)


async def test_failed_step_is_published() -> None:
    """A step failing for good publishes step.failed, then the run finishes."""
    seen, result = await run_recorded(workflow("ev.refuse", fallback=False))
    failed = [e for e in seen if e.type == "step.failed"]
    assert [e.data["step"] for e in failed] == ["finish"]
    assert failed[0].data["attempt"] == 1  # a PermanentError is not retried
    assert seen[-1].type == "run.finished"
    assert seen[-1].data["status"] == result.status


async def test_runs_nobody_watches_publish_nothing() -> None:
    """Without lifecycle subscribers a run publishes no event at all."""
    orch = Orchestrator(plugins=[Kit()], config={"plugins": {"autoload": False}})
    async with orch:
        await orch.run(workflow("ev.upper", fallback=False), "text")
    assert orch.events.stats().published == 0
