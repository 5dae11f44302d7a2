"""Permanent errors are never retried; retries are announced to ``on_retry``;
a caller may run the first attempt itself and hand over to ``recover``."""

from __future__ import annotations

import time

import pytest

from orchestrion import BreakerRegistry, Policy, RetryPolicy, TransientError
from orchestrion._resilience import PolicyRunner, RetryNotice
from orchestrion.exceptions import ParseError, PermanentError, ValidationFailed

from ._helpers import Flaky, step_info

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("instant_retries")]


def runner(**retry: object) -> PolicyRunner:
    """A runner for component 'svc' with the given retry settings."""
    return PolicyRunner(Policy(retry=RetryPolicy.model_validate(retry)), component="svc")


@pytest.mark.parametrize(
    "error",
    [
        PermanentError("refused"),
        ParseError("not JSON", line=1, column=2),
        ValidationFailed("field 'a' is required"),
    ],
    ids=["PermanentError", "ParseError", "ValidationFailed"],
)
@pytest.mark.parametrize("retry_on", [["Exception"], ["orchestrion.exceptions.PermanentError"]])
async def test_permanent_errors_are_never_retried(error: Exception, retry_on: list[str]) -> None:
    """Even when retry_on matches it, a PermanentError ends the step after one attempt."""
    call = Flaky(error, error)
    outcome = await runner(attempts=5, retry_on=retry_on).run(call, step=step_info())
    assert (outcome.status, outcome.attempts, call.calls) == ("failed", 1, [1])
    assert outcome.error is error


async def test_group_with_a_permanent_error_is_not_retried() -> None:
    """An ExceptionGroup holding a PermanentError is not retried either."""
    group = ExceptionGroup("both", [TransientError("busy"), PermanentError("bad input")])
    call = Flaky(group)
    outcome = await runner(attempts=3, retry_on=["Exception"]).run(call, step=step_info())
    assert (outcome.status, call.calls) == ("failed", [1])


async def test_on_retry_is_told_before_each_wait() -> None:
    """Each retry is announced with the failed attempt, its error and the wait's lower bound."""
    notices: list[RetryNotice] = []
    first, second = TransientError("busy"), ConnectionError("reset")
    call = Flaky(first, second)
    plan = runner(attempts=3, wait_initial=0.5, wait_max=5, wait_exp_base=2)
    outcome = await plan.run(call, step=step_info(), on_retry=notices.append)
    assert outcome.status == "succeeded"
    assert [(n.attempt, n.error, n.wait, n.component) for n in notices] == [
        (1, first, 0.5, "svc"),
        (2, second, 1.0, "svc"),
    ]
    assert {n.step.step for n in notices} == {"fetch"}


async def test_no_notice_after_the_last_attempt() -> None:
    """The last failed attempt is not announced as a retry; retry_after is the wait."""
    notices: list[RetryNotice] = []
    errors = [TransientError("slow down", retry_after=0.25), TransientError("still")]
    plan = PolicyRunner(
        Policy(retry=RetryPolicy(attempts=2)), component="svc", on_retry=notices.append
    )
    outcome = await plan.run(Flaky(*errors), step=step_info())
    assert outcome.status == "failed"
    assert [(n.attempt, n.wait) for n in notices] == [(1, 0.25)]


async def test_recover_continues_after_a_first_attempt_run_elsewhere() -> None:
    """recover() records the first failure and retries from attempt 2."""
    plan = PolicyRunner(Policy(), component="svc", breakers=BreakerRegistry())
    assert plan.inline
    assert not plan.direct
    call = Flaky()
    outcome = await plan.recover(
        call, TransientError("busy"), start=time.monotonic(), step=step_info()
    )
    assert (outcome.status, outcome.attempts, call.calls) == ("succeeded", 2, [2])
    assert [r.attempt for r in outcome.failures] == [1]


def test_an_attempt_timeout_is_not_inline() -> None:
    """With an attempt timeout the runner must make every attempt itself."""
    policy = Policy.model_validate({"timeout": {"attempt": 1.0}})
    assert not PolicyRunner(policy, component="svc").inline
