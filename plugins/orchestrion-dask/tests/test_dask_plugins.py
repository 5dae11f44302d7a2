"""Workers rebuild components through their own plugins, and say which one they lack."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orchestrion import ComponentType, NoOptions, Orchestrator, StepContext, hookimpl

pytestmark = pytest.mark.anyio


class Double:
    """Doubles a number."""

    def __init__(self, options: NoOptions) -> None:
        self.options = options

    def process(self, data: int, ctx: StepContext) -> int:
        """``2 * data``."""
        return 2 * data


class AdhocPlugin:
    """An in-process plugin: loaded by the orchestrator, installed on no worker."""

    orchestrion_plugin_name = "adhoc"

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """Register ``adhoc.double``."""
        register(ComponentType(name="adhoc.double", factory=Double))


def workflow(executor: str) -> dict[str, Any]:
    """``adhoc.double`` on 3 (retried up to 3 times) on ``executor``."""
    return {
        "name": "adhoc",
        "steps": {
            "double": {
                "component": "adhoc.double",
                "executor": executor,
                "policy": {"retry": {"attempts": 3, "wait_initial": 0, "wait_max": 0}},
            }
        },
    }


async def test_missing_plugin_on_workers_names_plugin_and_worker(
    dask_config: dict[str, Any],
) -> None:
    """A step whose plugin the workers lack fails once, naming the plugin and the worker."""
    async with Orchestrator(plugins=[AdhocPlugin()], config=dask_config) as orch:
        result = await orch.run(workflow("dask"), 3)
    step = result.steps["double"]
    assert step.status == "failed"
    assert step.error is not None
    assert step.error.type.endswith("WorkerPluginMissing")
    message = step.error.message
    assert "plugin 'adhoc' is not installed" in message
    assert "Dask worker tcp://" in message
    assert "executor = 'local'" in message
    assert step.attempts == 1, "a missing plugin is permanent: never retried"


async def test_same_plugin_runs_locally(dask_config: dict[str, Any]) -> None:
    """The in-process plugin's step runs on the local executor of the same orchestrator."""
    async with Orchestrator(plugins=[AdhocPlugin()], config=dask_config) as orch:
        result = await orch.run(workflow("local"), 3)
    result.raise_for_status()
    assert result.steps["double"].output == 6


async def test_installed_plugins_are_rebuilt_on_workers(dask_config: dict[str, Any]) -> None:
    """A component of a plugin installed on the workers is rebuilt there from its options."""
    steps = {
        "numbers": {"component": "testkit.numbers", "options": {"count": 3}, "executor": "dask"}
    }
    async with Orchestrator(config=dask_config) as orch:
        result = await orch.run({"name": "numbers", "steps": steps})
    result.raise_for_status()
    assert result.steps["numbers"].output == [0, 1, 2]


async def test_plugin_tables_reach_the_workers(dask_config: dict[str, Any]) -> None:
    """A plugin's own configuration table is sent along, so workers build the same component."""
    steps = {
        "numbers": {"component": "testkit.numbers", "options": {"count": 3}},
        "scale": {"component": "testkit.scale", "for_each": "numbers", "executor": "dask"},
    }
    async with Orchestrator(config={**dask_config, "testkit": {"factor": 10}}) as orch:
        result = await orch.run({"name": "scaled", "steps": steps})
    result.raise_for_status()
    assert result.steps["scale"].output == [0, 10, 20]
