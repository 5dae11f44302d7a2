"""Run deadlines and cancellation: in-flight steps are recorded cancelled, and a
caller's cancellation is never swallowed."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest

from orchestrion import Orchestrator, RunResult, Workflow

from ._kit import Kit

pytestmark = pytest.mark.anyio

HELD = {
    "name": "held",
    "steps": {
        "quick": {"component": "t.echo"},
        "held": {"component": "t.gate", "options": {"gate": "never"}, "depends_on": ["quick"]},
        "after": {"component": "t.echo", "depends_on": ["held"]},
    },
}


async def test_deadline_cancels_the_run(make_orch: Callable[..., Orchestrator], kit: Kit) -> None:
    """When the deadline passes, the in-flight step is cancelled and the run ends cancelled."""
    async with make_orch() as orch:
        with anyio.fail_after(5):
            result = await orch.run(Workflow.model_validate(HELD), 1, deadline=0.05)
    assert {n: s.status for n, s in result.steps.items()} == {
        "quick": "succeeded",
        "held": "cancelled",
        "after": "skipped",
    }
    assert result.status == "cancelled"
    assert result.cancelled_by == "deadline"
    assert ("cancelled", "held", None) in kit.log
    held = result.steps["held"]
    assert held.duration is not None
    assert held.finished_at is not None


async def test_workflow_deadline(make_orch: Callable[..., Orchestrator]) -> None:
    """The workflow's own deadline applies when run() is given none."""
    flow = Workflow.model_validate({**HELD, "deadline": 0.05})
    async with make_orch() as orch:
        with anyio.fail_after(5):
            result = await orch.run(flow, 1)
    assert result.status == "cancelled"


async def test_callers_cancellation_propagates(
    make_orch: Callable[..., Orchestrator], kit: Kit
) -> None:
    """Cancelling the caller cancels the in-flight step and the cancellation reaches the caller."""
    results: list[RunResult] = []
    reached_end = False
    async with make_orch() as orch:
        with anyio.fail_after(5):
            async with anyio.create_task_group() as tg:

                async def go() -> None:
                    nonlocal reached_end
                    results.append(await orch.run(Workflow.model_validate(HELD), 1))
                    reached_end = True

                tg.start_soon(go)
                await kit.arrived("never").wait()
                tg.cancel_scope.cancel()
    assert results == []
    assert not reached_end
    assert ("cancelled", "held", None) in kit.log


async def test_deadline_stops_steps_that_never_await(
    make_orch: Callable[..., Orchestrator],
) -> None:
    """A long chain of steps that never yield still honours the deadline (workers checkpoint)."""
    builder = Workflow.builder("long")
    for i in range(20_000):
        builder.step(f"s{i}", "t.echo", depends_on=[f"s{i - 1}"] if i else [])
    flow = builder.build()
    async with make_orch() as orch:
        orch.validate(flow)
        result = await orch.run(flow, 0, deadline=0.005)
    assert result.status == "cancelled"
    assert 0 < result.totals.succeeded < 20_000
