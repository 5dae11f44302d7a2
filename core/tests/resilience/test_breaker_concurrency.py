"""Many callers at once: one transition, bounded trials, no lock across calls."""

from __future__ import annotations

import anyio
import pytest

from orchestrion import BreakerState, BreakerTransition, CircuitOpenError

from ._helpers import FakeClock, fail, make_breaker, state_of

pytestmark = pytest.mark.anyio


async def test_ten_callers_after_open_period(
    clock: FakeClock, transitions: list[BreakerTransition]
) -> None:
    """Ten callers arriving together after the open period cause exactly one
    OPEN->HALF_OPEN transition and run exactly the permitted three trials."""
    breaker = make_breaker(
        clock, transitions, window=2, minimum_calls=2, open_duration=30, half_open_calls=3
    )
    await fail(breaker, clock)
    await fail(breaker, clock)
    clock.advance(30)
    release = anyio.Event()
    running = 0
    rejected = 0
    all_in = anyio.Event()
    arrived = 0

    async def trial() -> str:
        nonlocal running
        running += 1
        await release.wait()
        return "ok"

    async def caller() -> None:
        nonlocal rejected, arrived
        try:
            arrived += 1
            if arrived == 10:
                all_in.set()
            await breaker.call(trial)
        except CircuitOpenError:
            rejected += 1

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(caller)
        await all_in.wait()
        # Every caller has either started its trial or been rejected by now:
        # acquire never awaits, so none is parked inside the breaker.
        await anyio.wait_all_tasks_blocked()
        assert (running, rejected) == (3, 7)
        release.set()
    half_open = [t for t in transitions if t.to_state is BreakerState.HALF_OPEN]
    assert len(half_open) == 1
    assert state_of(breaker) is BreakerState.CLOSED


async def test_breaker_is_free_while_a_call_runs(clock: FakeClock) -> None:
    """A call in progress does not block other callers or inspection of the breaker."""
    breaker = make_breaker(clock)
    inside = anyio.Event()
    release = anyio.Event()

    async def slow() -> str:
        inside.set()
        await release.wait()
        return "slow"

    async def quick() -> str:
        return "quick"

    async with anyio.create_task_group() as tg:
        tg.start_soon(breaker.call, slow)
        await inside.wait()
        with anyio.fail_after(5):
            assert await breaker.call(quick) == "quick"
            assert breaker.metrics().calls == 1
        release.set()
    assert breaker.metrics().calls == 2
