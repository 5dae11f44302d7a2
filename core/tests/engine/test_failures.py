"""Failure policies (fail_fast, continue), step and run statuses, and errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest

from orchestrion import Orchestrator, RunResult, Workflow
from orchestrion.exceptions import RunFailed

from ._kit import Kit

pytestmark = pytest.mark.anyio


def wf(steps: dict[str, dict[str, Any]], mode: str = "continue") -> Workflow:
    return Workflow.model_validate(
        {"name": "fails", "steps": steps, "policy": {"failure": {"mode": mode}}}
    )


def statuses(result: RunResult) -> dict[str, str]:
    return {name: step.status for name, step in result.steps.items()}


async def test_continue_skips_only_dependents(make_orch: Callable[..., Orchestrator]) -> None:
    """With continue, independent branches finish and dependents of the failure are skipped."""
    flow = wf(
        {
            "a": {"component": "t.fail"},
            "b": {"component": "t.echo"},
            "c": {"component": "t.echo", "depends_on": ["a"]},
            "d": {"component": "t.echo", "depends_on": ["c", "b"]},
            "e": {"component": "t.echo", "depends_on": ["b"]},
        }
    )
    async with make_orch() as orch:
        result = await orch.run(flow, "secret payload")
    assert statuses(result) == {
        "a": "failed",
        "b": "succeeded",
        "c": "skipped",
        "d": "skipped",
        "e": "succeeded",
    }
    assert result.status == "partial"
    assert result.totals.failed == 1
    assert result.totals.skipped == 2
    error = result.steps["a"].error
    assert error is not None
    assert error.type == "PermanentError"
    assert "secret payload" not in error.message  # errors never copy the payload
    with pytest.raises(RunFailed, match=r"ended partial; steps: a"):
        result.raise_for_status()


async def test_all_failed_is_failed(make_orch: Callable[..., Orchestrator]) -> None:
    """A run where nothing succeeded is failed, not partial."""
    flow = wf({"a": {"component": "t.fail"}, "b": {"component": "t.echo", "depends_on": ["a"]}})
    async with make_orch() as orch:
        result = await orch.run(flow, 1)
    assert result.status == "failed"
    assert not result.ok


async def test_fail_fast_cancels_in_flight_steps(
    make_orch: Callable[..., Orchestrator], kit: Kit
) -> None:
    """With fail_fast the first failure cancels steps in flight and skips the rest."""
    flow = wf(
        {
            "hold": {"component": "t.gate", "options": {"gate": "hold"}},
            "go": {"component": "t.gate", "options": {"gate": "go"}},
            "boom": {"component": "t.fail", "depends_on": ["go"]},
            "after": {"component": "t.echo", "depends_on": ["boom"]},
            "later": {"component": "t.echo", "depends_on": ["hold"]},
        },
        mode="fail_fast",
    )
    results: list[RunResult] = []
    async with make_orch() as orch, anyio.create_task_group() as tg:

        async def go() -> None:
            results.append(await orch.run(flow, 1))

        with anyio.fail_after(5):
            tg.start_soon(go)
            await kit.arrived("hold").wait()
            await kit.arrived("go").wait()
            kit.gate("go").set()
    result = results[0]
    assert statuses(result) == {
        "hold": "cancelled",
        "go": "succeeded",
        "boom": "failed",
        "after": "skipped",
        "later": "skipped",
    }
    assert result.status == "failed"
    assert result.cancelled_by == "fail_fast"
    assert ("cancelled", "hold", None) in kit.log


async def test_step_level_fail_fast(make_orch: Callable[..., Orchestrator]) -> None:
    """A step's own failure policy can make its failure stop the run."""
    flow = wf(
        {
            "a": {"component": "t.fail", "policy": {"failure": {"mode": "fail_fast"}}},
            "b": {"component": "t.echo", "depends_on": ["a"]},
        }
    )
    async with make_orch() as orch:
        result = await orch.run(flow, 1)
    assert result.cancelled_by == "fail_fast"
    assert result.status == "failed"


async def test_failed_items_fail_their_step(make_orch: Callable[..., Orchestrator]) -> None:
    """Failed fan-out items fail their step, skip the gather, and leave other items done."""
    flow = wf(
        {
            "split": {"component": "t.split"},
            "each": {"component": "t.fail_odd", "for_each": "split"},
            "next": {"component": "t.echo", "for_each": "each"},
            "all": {"component": "t.echo", "depends_on": ["next"], "gather": True},
        }
    )
    async with make_orch() as orch:
        result = await orch.run(flow, 6)
    assert statuses(result) == {
        "split": "succeeded",
        "each": "failed",
        "next": "skipped",
        "all": "skipped",
    }
    each = result.steps["each"]
    assert each.items is not None
    assert [i.status for i in each.items] == ["succeeded", "failed"] * 3
    assert each.error is not None
    assert each.error.message.startswith("3 of 6 items failed")
    nxt = result.steps["next"].items
    assert nxt is not None
    assert [i.status for i in nxt] == ["succeeded", "skipped"] * 3
    assert result.totals.items_failed == 3
    assert result.status == "partial"


async def test_failed_fan_out_root_skips_its_lane(make_orch: Callable[..., Orchestrator]) -> None:
    """When the step that emits the items fails, its per-item steps are skipped with no items."""
    flow = wf(
        {
            "split": {"component": "t.split"},  # iterating None fails
            "each": {"component": "t.echo", "for_each": "split"},
            "all": {"component": "t.echo", "depends_on": ["each"], "gather": True},
            "other": {"component": "t.echo"},
        }
    )
    async with make_orch() as orch:
        result = await orch.run(flow, None)
    assert statuses(result) == {
        "split": "failed",
        "each": "skipped",
        "all": "skipped",
        "other": "succeeded",
    }
    assert result.steps["each"].items == []
