"""The breaker's cheap success path keeps the sliding window exact."""

from __future__ import annotations

import pytest

from orchestrion import BreakerState, BreakerTransition

from ._helpers import FakeClock, fail, make_breaker, state_of, succeed

pytestmark = pytest.mark.anyio


async def test_a_failure_leaves_the_window_after_n_successes(clock: FakeClock) -> None:
    """Successes after a full window of successes still push old failures out in order."""
    breaker = make_breaker(clock, window=4, minimum_calls=4, failure_rate=50)
    for _ in range(6):
        await succeed(breaker, clock)  # a full window of successes, then more
    await fail(breaker, clock)
    assert breaker.metrics().failures == 1
    for _ in range(3):
        await succeed(breaker, clock)
    assert breaker.metrics().failures == 1  # still among the last 4 calls
    await succeed(breaker, clock)
    assert breaker.metrics().failures == 0  # pushed out by the 4th success
    await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.CLOSED
    await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.OPEN  # 2 of the last 4: 50%


async def test_completing_the_minimum_with_a_success_can_trip(
    clock: FakeClock, transitions: list[BreakerTransition]
) -> None:
    """The call that completes minimum_calls is judged even when it succeeds."""
    breaker = make_breaker(
        clock, transitions, window=10, minimum_calls=3, failure_rate=50, open_duration=7
    )
    await fail(breaker, clock)
    await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.CLOSED  # 2 calls: under the minimum
    clock.advance(5)
    await succeed(breaker, clock)
    assert state_of(breaker) is BreakerState.OPEN  # 2 of 3 failed
    assert transitions[-1].at == clock.now
    assert breaker.metrics().retry_after == 7


async def test_permits_are_shared_only_within_an_epoch(clock: FakeClock) -> None:
    """A success reported with a permit from before a reset does not count."""
    breaker = make_breaker(clock, window=4, minimum_calls=2)
    old = breaker.acquire()
    breaker.reset()
    breaker.on_result(old)
    assert breaker.metrics().calls == 0
    breaker.on_result(breaker.acquire())
    assert breaker.metrics().calls == 1
