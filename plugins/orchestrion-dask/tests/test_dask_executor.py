"""The dask executor runs component calls on the cluster with the local executor's results."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrion import Orchestrator
from orchestrion_dask import DaskExecutor

pytestmark = pytest.mark.anyio


def fan_out(executor: str, component: str = "testkit.square", count: int = 16) -> dict[str, Any]:
    """Numbers, each item squared on ``executor``, gathered into a sum."""
    return {
        "name": "fan-out",
        "steps": {
            "numbers": {"component": "testkit.numbers", "options": {"count": count}},
            "square": {"component": component, "for_each": "numbers", "executor": executor},
            "total": {"component": "core.stats", "depends_on": ["square"], "gather": True},
        },
    }


async def test_fan_out_matches_the_local_executor(dask_config: dict[str, Any]) -> None:
    """A fan-out workflow gives the same outputs on Dask workers as on the local executor."""
    async with Orchestrator(config=dask_config) as orch:
        local = await orch.run(fan_out("local"))
        remote = await orch.run(fan_out("dask"))
    local.raise_for_status()
    remote.raise_for_status()
    assert remote.steps["square"].output == [i * i for i in range(16)]
    assert remote.steps["square"].output == local.steps["square"].output
    assert remote.output == local.output


async def test_no_local_instance_is_built_for_a_dask_step(dask_config: dict[str, Any]) -> None:
    """A remote step never runs the component's factory here nor holds a local pool slot."""
    async with Orchestrator(config=dask_config) as orch:
        result = await orch.run(fan_out("dask", count=12))
        result.raise_for_status()
        built = {pool.type.name for pool in orch.pools if pool.instances}
    assert "testkit.square" not in built
    assert {item.instance for item in result.steps["square"].items or []} == {None}


async def test_async_components_run_on_workers(dask_config: dict[str, Any]) -> None:
    """An ``async def process`` component runs on the workers' event loop."""
    async with Orchestrator(config=dask_config) as orch:
        result = await orch.run(fan_out("dask", "testkit.async_square", count=6))
    result.raise_for_status()
    assert result.steps["square"].output == [0, 1, 4, 9, 16, 25]


async def test_context_extra_comes_back_from_the_worker(dask_config: dict[str, Any]) -> None:
    """What a component records in ``ctx.extra["usage"]`` on a worker reaches the step result."""
    async with Orchestrator(config=dask_config) as orch:
        result = await orch.run(fan_out("dask", count=5))
    assert result.steps["square"].usage == {"squares": 5}


async def test_default_executor_from_engine_config(dask_config: dict[str, Any]) -> None:
    """``[engine] executor = "dask"`` sends steps without their own executor to the cluster."""
    config = {"engine": {**dask_config["engine"], "executor": "dask"}}
    workflow = fan_out("dask", count=4)
    del workflow["steps"]["square"]["executor"]
    async with Orchestrator(config=config) as orch:
        result = await orch.run(workflow)
        executor = orch.engine.executors["dask"]
    result.raise_for_status()
    assert result.steps["square"].output == [0, 1, 4, 9]
    assert isinstance(executor, DaskExecutor)


async def test_starts_a_local_cluster_when_no_address_is_given() -> None:
    """Without ``address`` the executor starts a LocalCluster (here of threads) and stops it."""
    options = {"n_workers": 1, "processes": False, "memory_limit": "256MiB"}
    config = {"engine": {"executors": {"dask": options}}}
    async with Orchestrator(config=config) as orch:
        result = await orch.run(fan_out("dask", count=3))
        executor = orch.engine.executors["dask"]
        assert isinstance(executor, DaskExecutor)
        cluster = executor.cluster
        assert cluster is not None, [i.error for i in result.steps["square"].items or []][:1]
    result.raise_for_status()
    assert result.steps["square"].output == [0, 1, 4]
    assert cluster.status.name == "closed"


def test_bad_options_are_a_config_error() -> None:
    """Invalid ``[engine.executors.dask]`` options fail validation, naming the key path."""
    from orchestrion import ConfigError

    config = {"engine": {"executors": {"dask": {"max_in_flight": 0}}}}
    orch = Orchestrator(config=config)
    with pytest.raises(ConfigError, match=r"engine\.executors\.dask\.max_in_flight"):
        orch.validate(fan_out("dask"))


async def test_unpicklable_input_is_a_permanent_error(dask_config: dict[str, Any]) -> None:
    """An input that cannot be pickled fails the step once, saying to keep it local."""
    import threading

    steps = {"square": {"component": "testkit.square", "executor": "dask"}}
    workflow = {"name": "lock", "steps": steps, "policy": {"retry": {"attempts": 3}}}
    async with Orchestrator(config=dask_config) as orch:
        result = await orch.run(workflow, threading.Lock())
    step = result.steps["square"]
    assert step.error is not None
    assert step.error.type.endswith("PermanentError")
    assert "cannot be sent to the Dask workers" in step.error.message
    assert step.attempts == 1
