"""When a CLOSED breaker trips: failure rate, slow calls, window, minimum calls."""

from __future__ import annotations

import pytest

from orchestrion import BreakerState, PermanentError

from ._helpers import FakeClock, fail, make_breaker, state_of, succeed

pytestmark = pytest.mark.anyio


async def test_consecutive_failures_trip(clock: FakeClock) -> None:
    """With a 100% threshold over 5 calls, the fifth failure in a row opens the breaker."""
    breaker = make_breaker(clock, window=5, minimum_calls=5, failure_rate=100)
    for _ in range(4):
        await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.CLOSED
    await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.OPEN


async def test_failure_rate_threshold_is_inclusive(clock: FakeClock) -> None:
    """Exactly 50% failures opens a breaker whose threshold is 50%."""
    breaker = make_breaker(clock, window=10, minimum_calls=10, failure_rate=50)
    for _ in range(5):
        await succeed(breaker, clock)
    for _ in range(4):
        await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.CLOSED
    await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.OPEN
    assert breaker.metrics().failure_rate == 50.0


async def test_just_below_threshold_stays_closed(clock: FakeClock) -> None:
    """Four failures in ten calls (40%) keep a 50% breaker closed."""
    breaker = make_breaker(clock, window=10, minimum_calls=10, failure_rate=50)
    for _ in range(6):
        await succeed(breaker, clock)
    for _ in range(4):
        await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.CLOSED


async def test_minimum_calls_before_judging(clock: FakeClock) -> None:
    """Failures before the minimum number of calls never trip, however many fail."""
    breaker = make_breaker(clock, window=20, minimum_calls=10, failure_rate=50)
    for _ in range(9):
        await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.CLOSED
    await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.OPEN


async def test_window_forgets_the_oldest_calls(clock: FakeClock) -> None:
    """Only the last N calls count: old failures slide out of the window."""
    breaker = make_breaker(clock, window=4, minimum_calls=4, failure_rate=75)
    await fail(breaker, clock)
    await fail(breaker, clock)
    await succeed(breaker, clock)
    await succeed(breaker, clock)
    await fail(breaker, clock)  # window F S S F: 50%
    await fail(breaker, clock)  # window S S F F: 50%
    assert breaker.metrics().failures == 2
    assert state_of(breaker) is BreakerState.CLOSED
    await fail(breaker, clock)  # window S F F F: 75%
    assert state_of(breaker) is BreakerState.OPEN


async def test_slow_calls_trip(clock: FakeClock) -> None:
    """Calls slower than the slow-call duration trip at the slow-call rate, even if they succeed."""
    breaker = make_breaker(
        clock, window=3, minimum_calls=3, slow_call_duration=1.0, slow_call_rate=100
    )
    for _ in range(3):
        await succeed(breaker, clock, took=1.5)
    assert state_of(breaker) is BreakerState.OPEN
    assert breaker.metrics().failure_rate == 0.0


async def test_duration_at_threshold_is_not_slow(clock: FakeClock) -> None:
    """A call lasting exactly the slow-call duration is not slow (strictly greater)."""
    breaker = make_breaker(
        clock, window=3, minimum_calls=3, slow_call_duration=1.0, slow_call_rate=100
    )
    for _ in range(3):
        await succeed(breaker, clock, took=1.0)
    assert state_of(breaker) is BreakerState.CLOSED
    assert breaker.metrics().slow_calls == 0


async def test_slow_failures_count_as_both(clock: FakeClock) -> None:
    """A slow failure counts towards the failure rate and the slow-call rate."""
    breaker = make_breaker(
        clock, window=4, minimum_calls=4, failure_rate=100, slow_call_duration=0.5
    )
    for _ in range(3):
        await fail(breaker, clock, took=0.6)
    metrics = breaker.metrics()
    assert (metrics.failures, metrics.slow_calls) == (3, 3)


async def test_ignored_errors_are_neither(clock: FakeClock) -> None:
    """Errors of 'ignore' types count neither as success nor as failure."""
    breaker = make_breaker(clock, window=2, minimum_calls=2, ignore=("KeyError",))
    for _ in range(5):
        await fail(breaker, clock, error=KeyError("k"))
    assert breaker.metrics().calls == 0
    assert state_of(breaker) is BreakerState.CLOSED


async def test_permanent_errors_count_as_success_by_default(clock: FakeClock) -> None:
    """Bad input (PermanentError) is not the component's fault: it counts as a success."""
    breaker = make_breaker(clock, window=2, minimum_calls=2)
    for _ in range(2):
        await fail(breaker, clock, error=PermanentError("bad input"))
    metrics = breaker.metrics()
    assert (metrics.calls, metrics.failures, breaker.state) == (2, 0, BreakerState.CLOSED)


async def test_exception_group_of_ignored_errors_is_ignored(clock: FakeClock) -> None:
    """A group whose every leaf is ignored is ignored; one other leaf makes it a failure."""
    breaker = make_breaker(clock, window=5, minimum_calls=5, ignore=("KeyError",))
    await fail(breaker, clock, error=ExceptionGroup("g", [KeyError("a"), KeyError("b")]))
    assert breaker.metrics().calls == 0
    await fail(breaker, clock, error=ExceptionGroup("g", [KeyError("a"), OSError("b")]))
    assert breaker.metrics().failures == 1


async def test_cancellation_records_nothing(clock: FakeClock) -> None:
    """A cancelled call is neither a success nor a failure."""
    breaker = make_breaker(clock)
    permit = breaker.acquire()
    breaker.on_result(permit, KeyboardInterrupt())
    assert breaker.metrics().calls == 0


async def test_success_completing_the_minimum_can_trip(clock: FakeClock) -> None:
    """Rates are judged as soon as the minimum is reached, even by a successful call."""
    breaker = make_breaker(clock, window=4, minimum_calls=4, failure_rate=50)
    await fail(breaker, clock)
    await fail(breaker, clock)
    await succeed(breaker, clock)
    assert state_of(breaker) is BreakerState.CLOSED
    await succeed(breaker, clock)
    assert state_of(breaker) is BreakerState.OPEN
