"""OPEN, HALF_OPEN, FORCED_OPEN and DISABLED, and moving between them."""

from __future__ import annotations

import anyio
import pytest

from orchestrion import (
    BreakerPolicy,
    BreakerState,
    BreakerTransition,
    CircuitBreaker,
    CircuitOpenError,
)

from ._helpers import Down, FakeClock, fail, make_breaker, state_of, succeed

pytestmark = pytest.mark.anyio

TRIP: dict[str, object] = {"window": 2, "minimum_calls": 2, "failure_rate": 50, "open_duration": 30}


async def tripped(
    clock: FakeClock, transitions: list[BreakerTransition] | None = None, /, **extra: object
) -> CircuitBreaker:
    """A breaker that has just opened (30 s open period unless overridden)."""
    breaker = make_breaker(clock, transitions, **{**TRIP, **extra})
    await fail(breaker, clock)
    await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.OPEN
    return breaker


async def test_open_rejects_without_calling(clock: FakeClock) -> None:
    """An open breaker raises CircuitOpenError at once, naming itself and the wait."""
    breaker = await tripped(clock)
    clock.advance(10)
    called = []

    async def work() -> None:
        called.append(1)

    with pytest.raises(CircuitOpenError) as info:
        await breaker.call(work)
    assert called == []
    assert info.value.breaker == "svc"
    assert info.value.retry_after == pytest.approx(20.0)
    assert "svc" in str(info.value)


async def test_open_period_boundary(clock: FakeClock) -> None:
    """Just before the open period ends calls are rejected; at its end a trial goes through."""
    breaker = await tripped(clock)
    clock.advance(30 - 1e-6)
    with pytest.raises(CircuitOpenError):
        await succeed(breaker, clock)
    clock.advance(1e-6)
    assert await succeed(breaker, clock) == "ok"
    assert state_of(breaker) is BreakerState.HALF_OPEN


async def test_trials_close_and_clear_metrics(
    clock: FakeClock, transitions: list[BreakerTransition]
) -> None:
    """All permitted trials succeeding close the breaker with an empty window."""
    breaker = await tripped(clock, transitions, half_open_calls=3)
    clock.advance(30)
    for _ in range(3):
        await succeed(breaker, clock)
    assert state_of(breaker) is BreakerState.CLOSED
    assert breaker.metrics().calls == 0
    assert breaker.metrics().trips == 0
    states = [(t.from_state, t.to_state) for t in transitions]
    assert states == [
        (BreakerState.CLOSED, BreakerState.OPEN),
        (BreakerState.OPEN, BreakerState.HALF_OPEN),
        (BreakerState.HALF_OPEN, BreakerState.CLOSED),
    ]


async def test_failed_trials_reopen_for_longer(
    clock: FakeClock, transitions: list[BreakerTransition]
) -> None:
    """Trials at the failure threshold re-open the breaker with a grown open period."""
    breaker = await tripped(
        clock, transitions, half_open_calls=2, open_duration_multiplier=2, max_open_duration=100
    )
    clock.advance(30)
    await succeed(breaker, clock)
    await fail(breaker, clock)  # 1 of 2 trials failed: 50% >= 50%
    assert state_of(breaker) is BreakerState.OPEN
    assert transitions[-1].retry_after == 60
    assert (transitions[-1].failure_rate, transitions[-1].slow_call_rate) == (50.0, 0.0)
    assert breaker.metrics().retry_after == pytest.approx(60)
    clock.advance(60)
    await fail(breaker, clock)
    await fail(breaker, clock)
    assert transitions[-1].retry_after == 100  # 120, capped


async def test_half_open_rejects_beyond_permitted_trials(clock: FakeClock) -> None:
    """While the permitted trials run, further calls are rejected with no retry_after."""
    breaker = await tripped(clock, half_open_calls=2)
    clock.advance(30)
    first, second = breaker.acquire(), breaker.acquire()
    with pytest.raises(CircuitOpenError) as info:
        breaker.acquire()
    assert info.value.retry_after is None
    breaker.on_result(first)
    breaker.on_result(second)
    assert state_of(breaker) is BreakerState.CLOSED


async def test_max_half_open_time(clock: FakeClock, transitions: list[BreakerTransition]) -> None:
    """Hung trials cannot wedge HALF_OPEN: after its maximum time the breaker re-opens."""
    breaker = await tripped(clock, transitions, half_open_calls=1, max_half_open_duration=5)
    clock.advance(30)
    hung = breaker.acquire()
    clock.advance(4.9)
    with pytest.raises(CircuitOpenError):
        breaker.acquire()
    assert state_of(breaker) is BreakerState.HALF_OPEN
    clock.advance(0.1)
    with pytest.raises(CircuitOpenError) as info:
        breaker.acquire()
    assert state_of(breaker) is BreakerState.OPEN
    assert info.value.retry_after == pytest.approx(30)
    breaker.on_result(hung)  # the hung trial finally returns: too late to count
    assert state_of(breaker) is BreakerState.OPEN
    assert [t.to_state for t in transitions][-1] is BreakerState.OPEN


async def test_ignored_error_uses_no_trial_slot(clock: FakeClock) -> None:
    """An ignored error during HALF_OPEN frees its slot for another trial."""
    breaker = await tripped(clock, half_open_calls=1, ignore=("KeyError",))
    clock.advance(30)
    await fail(breaker, clock, error=KeyError("k"))
    assert state_of(breaker) is BreakerState.HALF_OPEN
    await succeed(breaker, clock)
    assert state_of(breaker) is BreakerState.CLOSED


async def test_cancelled_trial_frees_its_slot(clock: FakeClock) -> None:
    """A trial cancelled mid-call records nothing and lets another trial run."""
    breaker = await tripped(clock, half_open_calls=1)
    clock.advance(30)
    started = anyio.Event()

    async def hang() -> None:
        started.set()
        await anyio.sleep_forever()

    async with anyio.create_task_group() as tg:
        tg.start_soon(breaker.call, hang)
        await started.wait()
        tg.cancel_scope.cancel()
    assert breaker.metrics().calls == 0
    await succeed(breaker, clock)
    assert state_of(breaker) is BreakerState.CLOSED


async def test_late_result_after_trip_only_updates_metrics(clock: FakeClock) -> None:
    """A call that started while CLOSED and ends after the trip is counted but changes nothing."""
    breaker = make_breaker(clock, window=3, minimum_calls=2, failure_rate=50)
    slow_one = breaker.acquire()
    await fail(breaker, clock)
    await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.OPEN
    breaker.on_result(slow_one)
    assert state_of(breaker) is BreakerState.OPEN
    assert breaker.metrics().calls == 3


async def test_forced_open_rejects_until_reset(clock: FakeClock) -> None:
    """force_open() rejects every call, however long, with no retry_after; reset() closes."""
    breaker = make_breaker(clock)
    breaker.force_open()
    clock.advance(10_000)
    with pytest.raises(CircuitOpenError) as info:
        await succeed(breaker, clock)
    assert info.value.retry_after is None
    assert state_of(breaker) is BreakerState.FORCED_OPEN
    breaker.reset()
    assert await succeed(breaker, clock) == "ok"


async def test_disabled_lets_everything_through(clock: FakeClock) -> None:
    """A disabled breaker calls through, records nothing and never trips."""
    breaker = make_breaker(clock, **TRIP)
    breaker.disable()
    for _ in range(10):
        await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.DISABLED
    assert breaker.metrics().calls == 0


async def test_reset_clears_metrics_and_trips(
    clock: FakeClock, transitions: list[BreakerTransition]
) -> None:
    """reset() closes an open breaker, empties its window and forgets earlier trips."""
    breaker = await tripped(clock, transitions)
    breaker.reset()
    metrics = breaker.metrics()
    assert (metrics.state, metrics.calls, metrics.trips) == (BreakerState.CLOSED, 0, 0)
    assert transitions[-1].reason == "manual reset"


async def test_observer_errors_do_not_break_the_breaker(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """An observer that raises is logged; the breaker still transitions."""

    def broken(transition: BreakerTransition) -> None:
        raise Down("observer bug")

    breaker = CircuitBreaker(
        "svc", BreakerPolicy.model_validate(TRIP), clock=clock, on_transition=broken
    )
    await fail(breaker, clock)
    await fail(breaker, clock)
    assert state_of(breaker) is BreakerState.OPEN
    assert "transition observer failed" in caplog.text
