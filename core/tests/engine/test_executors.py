"""Executors: steps can run elsewhere; an executor gets what it needs to rebuild the component."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orchestrion import (
    Executor,
    ExecutorType,
    Orchestrator,
    StepCall,
    Workflow,
    hookimpl,
)

from ._kit import Kit, SaltOptions

pytestmark = pytest.mark.anyio


class Recording:
    """An executor that records each call, then runs it in-process."""

    def __init__(self, _options: object) -> None:
        self.calls: list[StepCall] = []
        self.closed = False

    async def call(self, call: StepCall) -> Any:
        self.calls.append(call)
        assert call.component is not None  # not a remote executor: it gets an instance
        out = call.component.process(call.data, call.ctx)
        return await out if hasattr(out, "__await__") else out

    async def aclose(self) -> None:
        self.closed = True


class RemotePlugin:
    orchestrion_plugin_name = "remote"

    def __init__(self) -> None:
        self.made: list[Recording] = []

    @hookimpl
    def register_executors(self, register: Callable[[ExecutorType], None]) -> None:
        def factory(options: object) -> Recording:
            executor = Recording(options)
            self.made.append(executor)
            return executor

        register(ExecutorType(name="remote", factory=factory))


async def test_a_step_runs_on_its_executor(kit: Kit) -> None:
    """A step with executor='remote' is handed to that executor as a StepCall with the
    component type name and validated options; the executor is closed with the orchestrator."""
    remote = RemotePlugin()
    flow = Workflow.model_validate(
        {
            "steps": {
                "a": {"component": "t.combine", "options": {"salt": "s"}, "executor": "remote"},
                "b": {"component": "t.echo", "depends_on": ["a"]},
            }
        }
    )
    async with Orchestrator(
        plugins=[kit, remote], config={"plugins": {"autoload": False}}, env={}
    ) as orch:
        result = await orch.run(flow, "x")
        assert result.output == "s(x)"
        (executor,) = remote.made
        assert isinstance(executor, Executor)
        (call,) = executor.calls  # only the step that asked for it
        assert call.component_type == "t.combine"
        assert call.options == SaltOptions(salt="s")
        assert call.ctx.step == "a"
        assert call.emits_many is False
    assert executor.closed


async def test_default_executor_from_config(kit: Kit) -> None:
    """[engine] executor sets where steps run when they do not say."""
    remote = RemotePlugin()
    flow = Workflow.model_validate({"steps": {"a": {"component": "t.echo"}}})
    async with Orchestrator(
        plugins=[kit, remote],
        config={"plugins": {"autoload": False}, "engine": {"executor": "remote"}},
        env={},
    ) as orch:
        await orch.run(flow, 1)
        assert len(remote.made[0].calls) == 1
