"""The trivial policy awaits the call as is, but still falls back and records."""

from __future__ import annotations

import anyio
import pytest

from orchestrion import BreakerPolicy, BreakerRegistry, FallbackPolicy, Policy, RetryPolicy
from orchestrion._resilience import FailureLog, PolicyRunner

from ._helpers import Flaky, step_info

pytestmark = pytest.mark.anyio

TRIVIAL = Policy(retry=RetryPolicy(attempts=1), breaker=BreakerPolicy(enabled=False))


def test_which_policies_take_the_direct_path() -> None:
    """One attempt, no attempt timeout and no breaker is direct; the default policy is not."""
    assert PolicyRunner(TRIVIAL, component="svc", breakers=BreakerRegistry()).direct
    assert not PolicyRunner(Policy(), component="svc", breakers=BreakerRegistry()).direct
    assert not PolicyRunner(
        Policy(retry=RetryPolicy(attempts=1)), component="svc", breakers=BreakerRegistry()
    ).direct


def test_a_disabled_breaker_is_never_created() -> None:
    """breaker.enabled=false leaves the registry alone."""
    breakers = BreakerRegistry()
    PolicyRunner(TRIVIAL, component="svc", breakers=breakers)
    assert len(breakers) == 0


async def test_direct_path_success() -> None:
    """A direct call returns its value in one attempt."""
    outcome = await PolicyRunner(TRIVIAL, component="svc").run(Flaky(), step=step_info())
    assert (outcome.status, outcome.value, outcome.attempts) == ("succeeded", "done", 1)


async def test_direct_path_failure_falls_back_and_records() -> None:
    """A direct call that fails is recorded and served by the fallback chain."""
    log = FailureLog()
    policy = TRIVIAL.model_copy(update={"fallback": FallbackPolicy(components=("backup",))})
    runner = PolicyRunner(policy, component="svc", failure_log=log)

    async def backup(name: str) -> str:
        return "backup value"

    outcome = await runner.run(Flaky(OSError("down")), step=step_info(), alternative=backup)
    assert (outcome.status, outcome.value, outcome.fallback) == (
        "degraded",
        "backup value",
        "component:backup",
    )
    assert [r.error_type for r in log] == ["OSError"]


async def test_direct_path_cancellation_propagates() -> None:
    """Cancelling a direct call propagates and records nothing."""
    log = FailureLog()
    runner = PolicyRunner(TRIVIAL, component="svc", failure_log=log)

    async def hang(attempt: int) -> None:
        await anyio.sleep_forever()

    with anyio.move_on_after(0.01) as scope:
        await runner.run(hang, step=step_info())
    assert scope.cancelled_caught
    assert len(log) == 0
