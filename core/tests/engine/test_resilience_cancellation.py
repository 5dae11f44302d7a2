"""Cancelling a run while a step is inside its policy: during an attempt or a
backoff wait, the cancellation propagates at once through Orchestrator.run,
with no retry, no breaker failure and no fallback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest

from orchestrion import ComponentType, Orchestrator, StepContext, hookimpl

pytestmark = pytest.mark.anyio


class Held:
    """Test plugin: ``c.hold`` waits forever, ``c.fail_once`` fails with a
    retryable error, ``c.backup`` is the fallback; every call is counted."""

    orchestrion_plugin_name = "held"

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.arrived = anyio.Event()
        self.fallback_asked = 0

    def count(self, name: str) -> None:
        """Note one call of ``name``."""
        self.calls[name] = self.calls.get(name, 0) + 1

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """The ``c.*`` component types."""
        plugin = self

        class Hold:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                plugin.count("hold")
                plugin.arrived.set()
                await anyio.sleep_forever()

        class FailOnce:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                plugin.count("fail_once")
                plugin.arrived.set()
                raise ConnectionError("connection reset")

        class Backup:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                plugin.count("backup")
                return "backup"

        register(ComponentType(name="c.hold", factory=lambda _o: Hold()))
        register(ComponentType(name="c.fail_once", factory=lambda _o: FailOnce()))
        register(ComponentType(name="c.backup", factory=lambda _o: Backup()))

    @hookimpl
    def provide_fallback(self, step: Any, data: Any, error: BaseException) -> Any:
        """Would answer for any failed step; must never be asked on cancellation."""
        self.fallback_asked += 1
        return "from the plugin"


def workflow(component: str, limit: float | None) -> dict[str, Any]:
    """One step under a policy with retries, a breaker and both kinds of fallback."""
    policy: dict[str, Any] = {
        "retry": {"attempts": 3, "wait_initial": 3600, "wait_max": 3600, "wait_jitter": 0},
        "fallback": {"components": ["c.backup"]},
    }
    if limit is not None:
        policy["timeout"] = {"attempt": limit}
    return {"name": "held", "steps": {"s": {"component": component, "policy": policy}}}


async def cancel_when_blocked(orch: Orchestrator, plugin: Held, flow: dict[str, Any]) -> bool:
    """Run ``flow``, cancel the caller once the step is blocked; whether run() returned."""
    returned = False
    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:

            async def run() -> None:
                nonlocal returned
                await orch.run(flow, "input")
                returned = True

            tg.start_soon(run)
            await plugin.arrived.wait()
            # Every other task is now parked: in the component, or in the backoff wait.
            await anyio.wait_all_tasks_blocked()
            tg.cancel_scope.cancel()
    return returned


@pytest.mark.parametrize("limit", [None, 600.0], ids=["no-timeout", "attempt-timeout"])
async def test_cancellation_during_an_attempt(limit: float | None) -> None:
    """Cancelled mid-attempt: one call, nothing retried, recorded or handed to a fallback."""
    plugin = Held()
    async with Orchestrator(plugins=[plugin], config={"plugins": {"autoload": False}}) as orch:
        returned = await cancel_when_blocked(orch, plugin, workflow("c.hold", limit))
        breaker = orch.breakers.find("c.hold")
        assert breaker is not None
        metrics = breaker.metrics()
        assert (metrics.calls, metrics.failures) == (0, 0)
        assert len(orch.failures) == 0
    assert returned is False
    assert plugin.calls == {"hold": 1}
    assert plugin.fallback_asked == 0


@pytest.mark.parametrize("limit", [None, 600.0], ids=["no-timeout", "attempt-timeout"])
async def test_cancellation_during_a_backoff_wait(limit: float | None) -> None:
    """Cancelled while waiting to retry: no further attempt, only the real failure counted."""
    plugin = Held()
    async with Orchestrator(plugins=[plugin], config={"plugins": {"autoload": False}}) as orch:
        returned = await cancel_when_blocked(orch, plugin, workflow("c.fail_once", limit))
        breaker = orch.breakers.find("c.fail_once")
        assert breaker is not None
        metrics = breaker.metrics()
        assert (metrics.calls, metrics.failures) == (1, 1)  # the attempt that did fail
        assert [r.error_type for r in orch.failures] == ["ConnectionError"]
    assert returned is False
    assert plugin.calls == {"fail_once": 1}
    assert plugin.fallback_asked == 0
