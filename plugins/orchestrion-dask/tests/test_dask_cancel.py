# distributed's API is not annotated.
# mypy: disable-error-code="no-untyped-call"
"""Back-pressure and cancellation: the cluster never holds more than the bound, and a
cancelled run takes its futures with it."""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import anyio.to_thread
import pytest
from distributed import Client, Event

from orchestrion import Orchestrator, RunResult

pytestmark = pytest.mark.anyio


def waiting(count: int, started: str, release: str) -> dict[str, Any]:
    """``count`` items, each waiting on the cluster for the ``release`` event."""
    return {
        "name": "waiting",
        "steps": {
            "numbers": {"component": "testkit.numbers", "options": {"count": count}},
            "wait": {
                "component": "testkit.wait",
                "options": {"started": started, "release": release},
                "for_each": "numbers",
                "executor": "dask",
            },
        },
    }


def tasks_of(client: Client, prefix: str) -> list[str]:
    """Keys of the scheduler's tasks whose key starts with ``prefix``."""

    def keys(dask_scheduler: Any) -> list[str]:
        return [str(k) for k in dask_scheduler.tasks if str(k).startswith(prefix)]

    return list(client.run_on_scheduler(keys))


def names() -> tuple[str, str]:
    """Fresh names for the started and release events."""
    tag = uuid.uuid4().hex
    return f"started-{tag}", f"release-{tag}"


async def test_never_more_than_max_in_flight(dask_config: dict[str, Any], client: Client) -> None:
    """With ``max_in_flight = 1`` a fan-out of 6 has one task on the cluster at a time."""
    started, release = names()
    config = {"engine": {"executors": {"dask": {**dask_config["engine"]["executors"]["dask"]}}}}
    config["engine"]["executors"]["dask"]["max_in_flight"] = 1
    async with Orchestrator(config=config) as orch:
        result: list[RunResult] = []

        async def run() -> None:
            result.append(await orch.run(waiting(6, started, release), concurrency=6))

        async with anyio.create_task_group() as tg:
            tg.start_soon(run)
            await anyio.to_thread.run_sync(Event(started, client=client).wait)
            in_flight = await anyio.to_thread.run_sync(tasks_of, client, "testkit.wait")
            await anyio.to_thread.run_sync(Event(release, client=client).set)
    assert len(in_flight) == 1
    result[0].raise_for_status()
    assert result[0].steps["wait"].output == [0, 1, 2, 3, 4, 5]


async def test_cancelling_a_run_cancels_its_futures(
    dask_config: dict[str, Any], client: Client
) -> None:
    """Cancelling a run while its call runs on a worker releases the task on the scheduler."""
    started, release = names()
    async with Orchestrator(config=dask_config) as orch:
        with anyio.CancelScope() as scope:
            async with anyio.create_task_group() as tg:
                tg.start_soon(orch.run, waiting(1, started, release))
                await anyio.to_thread.run_sync(Event(started, client=client).wait)
                assert len(await anyio.to_thread.run_sync(tasks_of, client, "testkit.wait")) == 1
                scope.cancel()
    left = await anyio.to_thread.run_sync(tasks_of, client, "testkit.wait")
    # The worker thread cannot be interrupted: release it for the next tests.
    await anyio.to_thread.run_sync(Event(release, client=client).set)
    assert left == []
