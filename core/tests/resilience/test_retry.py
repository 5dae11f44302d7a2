"""Retries: what is retried, how often, how long it waits, what it keeps."""

from __future__ import annotations

import time

import anyio
import pytest

from orchestrion import (
    BreakerPolicy,
    BreakerRegistry,
    CircuitOpenError,
    ConfigError,
    Policy,
    RetryPolicy,
    TransientError,
)
from orchestrion._resilience import PolicyRunner, set_testing

from ._helpers import Flaky, step_info

pytestmark = pytest.mark.anyio


def runner(breaker: BreakerPolicy | None = None, **retry: object) -> PolicyRunner:
    """A runner for component 'svc' with the given retry settings and breaker."""
    policy = Policy(retry=RetryPolicy.model_validate(retry), breaker=breaker)
    return PolicyRunner(policy, component="svc", breakers=BreakerRegistry() if breaker else None)


@pytest.mark.usefixtures("instant_retries")
async def test_transient_errors_are_retried() -> None:
    """Transient errors are retried until an attempt succeeds; each failure is recorded."""
    call = Flaky(TransientError("busy"), ConnectionError("reset"))
    outcome = await runner(attempts=3).run(call, step=step_info())
    assert (outcome.status, outcome.value, outcome.attempts) == ("succeeded", "done", 3)
    assert call.calls == [1, 2, 3]
    assert [r.error_type for r in outcome.failures] == [
        "orchestrion.exceptions.TransientError",
        "ConnectionError",
    ]


@pytest.mark.usefixtures("instant_retries")
async def test_non_retryable_errors_are_attempted_once() -> None:
    """An error outside retry_on ends the step after one attempt."""
    call = Flaky(ValueError("bad"))
    outcome = await runner(attempts=5).run(call, step=step_info())
    assert (outcome.status, outcome.attempts, call.calls) == ("failed", 1, [1])
    assert isinstance(outcome.error, ValueError)


@pytest.mark.usefixtures("instant_retries")
async def test_the_last_exception_is_kept() -> None:
    """When every attempt fails, the step's error is the last attempt's."""
    call = Flaky(*(TransientError(f"try {n}") for n in (1, 2, 3)))
    outcome = await runner(attempts=3).run(call, step=step_info())
    assert outcome.status == "failed"
    assert str(outcome.error) == "try 3"


@pytest.mark.usefixtures("instant_retries")
async def test_retry_on_by_dotted_name() -> None:
    """retry_on accepts dotted paths; subclasses of a listed type are retried too."""
    import json

    call = Flaky(json.JSONDecodeError("x", "", 0))
    outcome = await runner(attempts=2, retry_on=("builtins.ValueError",)).run(
        call, step=step_info()
    )
    assert outcome.status == "succeeded"


def test_unknown_retry_on_name_is_a_config_error() -> None:
    """A retry_on name that cannot be resolved is a ConfigError naming it and the key."""
    with pytest.raises(ConfigError, match=r"nosuchpkg\.Error") as info:
        runner(retry_on=("nosuchpkg.Error",))
    assert info.value.key == "retry.retry_on"
    with pytest.raises(ConfigError, match="NoSuchError"):
        runner(retry_on=("NoSuchError",))


def test_base_exceptions_cannot_be_retried() -> None:
    """Naming a BaseException such as KeyboardInterrupt in retry_on is rejected."""
    with pytest.raises(ConfigError, match="never retried"):
        runner(retry_on=("KeyboardInterrupt",))


@pytest.mark.usefixtures("instant_retries")
async def test_exception_group_retried_only_if_all_leaves_are() -> None:
    """A group of retryable errors is retried; one non-retryable leaf stops retries."""
    retryable = ExceptionGroup("g", [TransientError("a"), ConnectionError("b")])
    call = Flaky(retryable)
    assert (await runner(attempts=2).run(call, step=step_info())).status == "succeeded"
    mixed = ExceptionGroup("g", [TransientError("a"), ValueError("b")])
    call = Flaky(mixed)
    outcome = await runner(attempts=3).run(call, step=step_info())
    assert (outcome.status, call.calls) == ("failed", [1])


async def test_no_sleep_after_the_last_attempt() -> None:
    """After the final attempt fails the error is returned at once, without a backoff wait."""
    call = Flaky(TransientError("1"), TransientError("2"))
    # The wait after attempt 1 is 10 ms; the one after attempt 2 would be 100 s.
    with anyio.fail_after(10):
        outcome = await runner(
            attempts=2, wait_initial=0.01, wait_exp_base=10_000, wait_max=100, wait_jitter=0
        ).run(call, step=step_info())
    assert (outcome.status, outcome.attempts) == ("failed", 2)


async def test_retry_after_is_honoured() -> None:
    """A retry_after on the error is the minimum wait before the next attempt."""
    call = Flaky(TransientError("slow down", retry_after=0.05))
    start = time.monotonic()
    outcome = await runner(attempts=2, wait_initial=0, wait_jitter=0, wait_max=1).run(
        call, step=step_info()
    )
    assert outcome.status == "succeeded"
    assert time.monotonic() - start >= 0.05


async def test_retry_after_beyond_the_budget_gives_up() -> None:
    """A retry_after longer than the policy could wait ends the retries at once."""
    call = Flaky(TransientError("come back tomorrow", retry_after=3600))
    with anyio.fail_after(10):
        outcome = await runner(attempts=3, wait_max=1).run(call, step=step_info())
    assert (outcome.status, call.calls) == ("failed", [1])


async def test_total_timeout_bounds_unlimited_attempts() -> None:
    """Unlimited attempts stop once the total retry timeout is spent."""
    call = Flaky(*(TransientError(str(n)) for n in range(10_000)))
    start = time.monotonic()
    outcome = await runner(
        attempts=None, timeout=0.2, wait_initial=0.02, wait_max=0.02, wait_jitter=0
    ).run(call, step=step_info())
    assert outcome.status == "failed"
    assert 2 <= len(call.calls) < 100
    assert time.monotonic() - start < 5


async def test_retries_do_not_hammer_an_open_breaker() -> None:
    """Once the breaker opens with a long open period, retries stop instead of waiting."""
    breaker = BreakerPolicy(window=1, minimum_calls=1, open_duration=30)
    call = Flaky(TransientError("1"), TransientError("2"))
    with anyio.fail_after(10):
        outcome = await runner(breaker, attempts=5, wait_initial=0, wait_jitter=0).run(
            call, step=step_info()
        )
    assert call.calls == [1]
    assert isinstance(outcome.error, CircuitOpenError)
    assert outcome.attempts == 2


async def test_retries_wait_for_a_short_open_period() -> None:
    """A breaker that opens for less than the retry budget is waited for, then tried."""
    breaker = BreakerPolicy(window=1, minimum_calls=1, open_duration=0.05)
    call = Flaky(TransientError("1"))
    outcome = await runner(breaker, attempts=3, wait_initial=0.001, wait_jitter=0, wait_max=1).run(
        call, step=step_info()
    )
    assert (outcome.status, outcome.attempts, call.calls) == ("succeeded", 3, [1, 3])


async def test_set_testing_makes_waits_instant() -> None:
    """In testing mode long backoffs take no time and the policy's attempts still apply."""
    call = Flaky(TransientError("1"), TransientError("2"))
    with set_testing(True), anyio.fail_after(10):
        outcome = await runner(attempts=3, wait_initial=60, wait_max=60).run(call, step=step_info())
    assert (outcome.status, call.calls) == ("succeeded", [1, 2, 3])


async def test_set_testing_can_force_the_attempts() -> None:
    """set_testing(True, attempts=1) turns every policy into a single attempt."""
    call = Flaky(TransientError("1"))
    with set_testing(True, attempts=1):
        outcome = await runner(attempts=3).run(call, step=step_info())
    assert (outcome.status, call.calls) == ("failed", [1])


@pytest.mark.usefixtures("instant_retries")
async def test_retry_plan_on_its_own() -> None:
    """RetryPlan.run retries a bare async callable and re-raises the last error."""
    from orchestrion._resilience._retry import RetryPlan

    plan = RetryPlan(RetryPolicy(attempts=2))
    assert await plan.run(Flaky(TransientError("once"))) == "done"
    with pytest.raises(TransientError, match="second"):
        await plan.run(Flaky(TransientError("first"), TransientError("second")))
