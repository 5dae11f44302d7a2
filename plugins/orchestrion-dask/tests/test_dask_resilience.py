"""A worker lost mid-call is a transient error: the core retry policy re-runs the call."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import pytest
from distributed import Client

from orchestrion import Orchestrator

pytestmark = pytest.mark.anyio

RETRY = {"retry": {"attempts": 4, "wait_initial": 0, "wait_max": 0, "wait_jitter": 0}}


def crashing(count: int, item: int, retry: dict[str, Any] | None) -> dict[str, Any]:
    """Squares of ``0 .. count-1`` on Dask, whose ``item`` kills its worker once."""
    step: dict[str, Any] = {
        "component": "testkit.crash_once",
        "options": {"item": item},
        "for_each": "numbers",
        "executor": "dask",
    }
    if retry is not None:
        step["policy"] = retry
    return {
        "name": "crashing",
        "steps": {
            "numbers": {"component": "testkit.numbers", "options": {"count": count}},
            "square": step,
        },
    }


async def test_killed_worker_is_retried_and_the_run_completes(
    dask_config: dict[str, Any], client: Client
) -> None:
    """Killing a worker process mid-run still completes the run, with the lost call retried."""
    async with Orchestrator(config=dask_config) as orch:
        result = await orch.run(crashing(8, 3, RETRY))
    result.raise_for_status()
    step = result.steps["square"]
    assert step.output == [i * i for i in range(8)]
    assert step.items is not None
    assert step.items[3].attempts >= 2, "the item whose worker died ran again"
    # The nanny restarts the worker; the next tests want both.
    await anyio.to_thread.run_sync(lambda: client.wait_for_workers(2, timeout=30))


async def test_lost_worker_is_reported_as_transient(
    dask_config: dict[str, Any], client: Client
) -> None:
    """Without retries, the lost call fails with a TransientError naming the step and item."""
    no_retry = {"retry": {"attempts": 1}}
    async with Orchestrator(config=dask_config) as orch:
        result = await orch.run(crashing(2, 0, no_retry))
    items = result.steps["square"].items
    assert items is not None
    error = items[0].error
    assert error is not None
    assert error.type.endswith("TransientError")
    assert "Dask worker running step 'square' item 0 was lost" in error.message
    await anyio.to_thread.run_sync(lambda: client.wait_for_workers(2, timeout=30))


async def test_unreachable_scheduler_is_a_transient_error() -> None:
    """A scheduler that does not answer fails the step with a TransientError naming it."""
    options = {"address": "tcp://127.0.0.1:9", "connect_timeout": 0.5}
    config = {"engine": {"executors": {"dask": options}}}
    workflow = crashing(1, 99, {"retry": {"attempts": 1}})
    async with Orchestrator(config=config) as orch:
        result = await orch.run(workflow)
    items = result.steps["square"].items
    assert items is not None
    error = items[0].error
    assert error is not None
    assert error.type.endswith("TransientError")
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in error.message


def flaky(permanent: bool) -> dict[str, Any]:
    """``testkit.flaky`` on three items on Dask, retried up to 3 times."""
    return {
        "name": "flaky",
        "steps": {
            "numbers": {"component": "testkit.numbers", "options": {"count": 3}},
            "square": {
                "component": "testkit.flaky",
                "options": {"permanent": permanent},
                "for_each": "numbers",
                "executor": "dask",
                "policy": {"retry": {"attempts": 3, "wait_initial": 0, "wait_max": 0}},
            },
        },
    }


async def test_component_errors_cross_the_cluster_unchanged(dask_config: dict[str, Any]) -> None:
    """A TransientError raised on a worker is retried; a PermanentError fails without retry."""
    async with Orchestrator(config=dask_config) as orch:
        transient = await orch.run(flaky(permanent=False))
        permanent = await orch.run(flaky(permanent=True))
    transient.raise_for_status()
    assert transient.steps["square"].output == [0, 1, 4]
    assert [i.attempts for i in transient.steps["square"].items or []] == [2, 2, 2]
    items = permanent.steps["square"].items or []
    assert [i.attempts for i in items] == [1, 1, 1]
    errors = [i.error for i in items]
    assert all(e is not None and e.type.endswith("PermanentError") for e in errors)
    assert errors[1] is not None
    assert "1 is refused for good" in errors[1].message
