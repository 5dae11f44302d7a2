"""Cancellation is never retried, never counted by the breaker, never given a fallback."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from orchestrion import (
    BreakerPolicy,
    BreakerRegistry,
    FallbackPolicy,
    PluginSelection,
    Policy,
    RetryPolicy,
    StepInfo,
    TransientError,
    hookimpl,
)
from orchestrion._plugins._manager import PluginSet
from orchestrion._resilience import FailureLog, PolicyRunner

from ._helpers import step_info

pytestmark = pytest.mark.anyio


class Watcher:
    """A fallback plugin and alternative component that remember being asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    @hookimpl
    def provide_fallback(self, step: StepInfo, data: Any, error: BaseException) -> Any:
        self.asked.append("plugin")
        return "fallback"

    async def alternative(self, name: str) -> str:
        self.asked.append(name)
        return "alternative"


def setup(wait: float) -> tuple[PolicyRunner, BreakerRegistry, FailureLog, Watcher, PluginSet]:
    """A runner with retries waiting ``wait`` s, a breaker, a log and fallbacks."""
    breakers = BreakerRegistry()
    log = FailureLog()
    policy = Policy(
        retry=RetryPolicy(attempts=5, wait_initial=wait, wait_max=wait, wait_jitter=0),
        breaker=BreakerPolicy(window=10, minimum_calls=10),
        fallback=FallbackPolicy(components=("backup",)),
    )
    watcher = Watcher()
    plugins = PluginSet(PluginSelection(), in_process=[watcher], entry_points=[])
    runner = PolicyRunner(policy, component="svc", breakers=breakers, failure_log=log)
    return runner, breakers, log, watcher, plugins


async def test_cancellation_during_an_attempt() -> None:
    """Cancelling a running attempt propagates at once: one call, no record, no fallback."""
    runner, breakers, log, watcher, plugins = setup(wait=0)
    calls: list[int] = []
    started = anyio.Event()

    async def hang(attempt: int) -> None:
        calls.append(attempt)
        started.set()
        await anyio.sleep_forever()

    async with anyio.create_task_group() as tg:

        async def run() -> None:
            await runner.run(
                hang, step=step_info(), alternative=watcher.alternative, plugins=plugins
            )
            raise AssertionError("cancellation was swallowed")

        tg.start_soon(run)
        await started.wait()
        tg.cancel_scope.cancel()
    assert calls == [1]
    assert (watcher.asked, len(log)) == ([], 0)
    assert breakers.get("svc").metrics().calls == 0


async def test_cancellation_during_a_backoff_sleep() -> None:
    """Cancelling a step while it waits to retry ends it at once: no retry, no fallback."""
    runner, breakers, log, watcher, plugins = setup(wait=3600)
    calls: list[int] = []
    failed = anyio.Event()

    async def fail(attempt: int) -> None:
        calls.append(attempt)
        failed.set()
        raise TransientError("busy")

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:

            async def run() -> None:
                await runner.run(
                    fail, step=step_info(), alternative=watcher.alternative, plugins=plugins
                )
                raise AssertionError("cancellation was swallowed")

            tg.start_soon(run)
            await failed.wait()
            await anyio.wait_all_tasks_blocked()  # now asleep in the backoff
            tg.cancel_scope.cancel()
    assert calls == [1]
    assert watcher.asked == []
    # The one real failure counts; the cancelled wait adds nothing.
    metrics = breakers.get("svc").metrics()
    assert (metrics.calls, metrics.failures) == (1, 1)
    assert len(log) == 1
