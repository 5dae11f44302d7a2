"""The scheduler: steps start when their own dependencies finish (no waves),
chains run inline, fan-out runs concurrently within the limits."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from orchestrion import Orchestrator, RunResult, Workflow

from ._kit import Kit

pytestmark = pytest.mark.anyio


def wf(steps: dict[str, dict[str, Any]]) -> Workflow:
    return Workflow.model_validate({"name": "sched", "steps": steps})


async def test_no_wave_barrier(make_orch: Callable[..., Orchestrator], kit: Kit) -> None:
    """A fast chain runs to its end while a slow sibling is still running."""
    flow = wf(
        {
            "root": {"component": "t.echo"},
            "slow": {"component": "t.gate", "options": {"gate": "slow"}, "depends_on": ["root"]},
            "f1": {"component": "t.echo", "depends_on": ["root"]},
            "f2": {"component": "t.echo", "depends_on": ["f1"]},
            "f3": {"component": "t.echo", "depends_on": ["f2"]},
            "f4": {"component": "t.gate", "options": {"gate": "fast"}, "depends_on": ["f3"]},
        }
    )
    results: list[RunResult] = []
    async with make_orch() as orch:
        with anyio.fail_after(5):  # a wave scheduler would never reach f4
            async with anyio.create_task_group() as tg:

                async def go() -> None:
                    results.append(await orch.run(flow, 1))

                tg.start_soon(go)
                await kit.arrived("fast").wait()
                assert ("start", "slow", None) in kit.log
                assert ("end", "slow", None) not in kit.log  # still running
                kit.gate("fast").set()
                kit.gate("slow").set()
    assert results[0].status == "succeeded"


async def test_chain_runs_inline_in_one_task(
    make_orch: Callable[..., Orchestrator], kit: Kit
) -> None:
    """A chain of steps runs in one task: no task is spawned per step."""
    builder = Workflow.builder("chain")
    for i in range(100):
        builder.step(f"s{i}", "t.echo", depends_on=[f"s{i - 1}"] if i else [])
    async with make_orch() as orch:
        result = await orch.run(builder.build(), 0)
    assert result.status == "succeeded"
    assert len(set(kit.tasks)) == 1


@pytest.mark.parametrize("limit", [1, 3, 8])
async def test_fan_out_concurrency_reaches_and_respects_the_limit(
    make_orch: Callable[..., Orchestrator], kit: Kit, limit: int
) -> None:
    """Fan-out items run concurrently, exactly up to the run's concurrency limit."""
    kit.expect_in_flight = limit
    kit.all_in = anyio.Event()
    flow = wf(
        {
            "split": {"component": "t.split"},
            "each": {"component": "t.crowd", "for_each": "split"},
            "all": {"component": "t.echo", "depends_on": ["each"], "gather": True},
        }
    )
    async with make_orch() as orch:
        with anyio.fail_after(5):  # fewer than `limit` at once would never release
            result = await orch.run(flow, limit * 4, concurrency=limit)
    assert kit.max_in_flight == limit
    assert result.output == list(range(limit * 4))


async def test_per_type_limit(make_orch: Callable[..., Orchestrator], kit: Kit) -> None:
    """[engine.limits] caps the calls of one component type below the run's concurrency."""
    kit.expect_in_flight = 2
    kit.all_in = anyio.Event()
    flow = wf(
        {
            "split": {"component": "t.split"},
            "each": {"component": "t.crowd", "for_each": "split"},
        }
    )
    async with make_orch(engine={"limits": {"t.crowd": 2}}) as orch:
        with anyio.fail_after(5):
            result = await orch.run(flow, 10, concurrency=10)
    assert result.status == "succeeded"
    assert kit.max_in_flight == 2


async def test_parallel_roots_respect_concurrency(
    make_orch: Callable[..., Orchestrator], kit: Kit
) -> None:
    """Independent steps run concurrently up to the concurrency limit, not beyond."""
    kit.expect_in_flight = 3
    kit.all_in = anyio.Event()
    flow = wf({f"r{i}": {"component": "t.crowd"} for i in range(9)})
    async with make_orch() as orch:
        with anyio.fail_after(5):
            result = await orch.run(flow, 0, concurrency=3)
    assert result.status == "succeeded"
    assert kit.max_in_flight == 3


async def test_sync_components_run_in_worker_threads(
    make_orch: Callable[..., Orchestrator], kit: Kit
) -> None:
    """A sync process() runs in a worker thread, never on the event loop's thread."""
    flow = wf({"double": {"component": "t.sync_double"}})
    async with make_orch() as orch:
        result = await orch.run(flow, 21)
    assert result.output == 42
    assert kit.threads
    assert threading.get_ident() not in kit.threads
