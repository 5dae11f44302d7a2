"""The per-attempt time limit, and outer deadlines that must stay cancellation."""

from __future__ import annotations

import anyio
import pytest

from orchestrion import (
    AttemptTimeout,
    BreakerPolicy,
    BreakerRegistry,
    Policy,
    RetryPolicy,
    TimeoutPolicy,
)
from orchestrion._resilience import PolicyRunner

from ._helpers import step_info

pytestmark = pytest.mark.anyio


def runner(
    limit: float, attempts: int = 3, breakers: BreakerRegistry | None = None
) -> PolicyRunner:
    """A runner with an attempt time limit and instant-ish retries."""
    policy = Policy(
        timeout=TimeoutPolicy(attempt=limit),
        retry=RetryPolicy(attempts=attempts, wait_initial=0, wait_jitter=0),
        breaker=BreakerPolicy(window=10, minimum_calls=10),
    )
    return PolicyRunner(policy, component="svc", breakers=breakers)


async def test_overrunning_attempt_times_out_and_is_retried() -> None:
    """An attempt that hangs past its limit becomes AttemptTimeout and the next attempt runs."""
    calls: list[int] = []

    async def hang_once(attempt: int) -> str:
        calls.append(attempt)
        if attempt == 1:
            await anyio.sleep_forever()
        return "second time lucky"

    outcome = await runner(0.05).run(hang_once, step=step_info())
    assert (outcome.status, outcome.value, calls) == ("succeeded", "second time lucky", [1, 2])
    assert outcome.failures[0].error_type == "orchestrion.exceptions.AttemptTimeout"


async def test_attempt_timeout_is_a_timeout_error_with_its_limit() -> None:
    """The final error of a step that always overruns is an AttemptTimeout naming the limit."""

    async def hang(attempt: int) -> None:
        await anyio.sleep_forever()

    outcome = await runner(0.02, attempts=2).run(hang, step=step_info())
    error = outcome.error
    assert isinstance(error, AttemptTimeout)
    assert isinstance(error, TimeoutError)
    assert (error.limit, error.step) == (0.02, "fetch")


async def test_outer_deadline_is_cancellation_not_a_timeout() -> None:
    """A deadline outside the step cancels it: no AttemptTimeout, no retry, no record."""
    calls: list[int] = []
    breakers = BreakerRegistry()

    async def hang(attempt: int) -> None:
        calls.append(attempt)
        await anyio.sleep_forever()

    run = runner(60, breakers=breakers)
    with anyio.move_on_after(0.05) as scope:
        await run.run(hang, step=step_info())
    assert scope.cancelled_caught
    assert calls == [1]
    assert breakers.find("svc") is not None
    assert breakers.get("svc").metrics().calls == 0


async def test_components_own_timeout_error_is_not_relabelled() -> None:
    """A TimeoutError raised by the component itself passes through as is (and is retried)."""

    async def own_timeout(attempt: int) -> str:
        if attempt == 1:
            raise TimeoutError("upstream socket timed out")
        return "ok"

    outcome = await runner(60).run(own_timeout, step=step_info())
    assert outcome.status == "succeeded"
    assert outcome.failures[0].error_type == "TimeoutError"
