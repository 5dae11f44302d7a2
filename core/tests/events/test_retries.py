"""Handler retries: failed or timed-out attempts are tried again as asked."""

from __future__ import annotations

import anyio
import pytest

from orchestrion import Event, EventBus

pytestmark = pytest.mark.anyio


async def test_failed_attempts_are_retried_until_one_succeeds() -> None:
    """A handler failing twice with retries=2 is delivered on its third attempt."""
    bus = EventBus(retry_wait=0)
    attempts: list[int] = []

    async def flaky(event: Event) -> None:
        attempts.append(len(attempts) + 1)
        if len(attempts) < 3:
            raise ConnectionError("down")

    bus.subscribe("a", flaky, name="flaky", retries=2)
    await bus.publish(Event(type="a"))
    stats = bus.stats().handlers["flaky"]
    assert attempts == [1, 2, 3]
    assert (stats.delivered, stats.retried, stats.failed) == (1, 2, 0)
    assert bus.dead_letters == []


async def test_a_timed_out_attempt_is_retried() -> None:
    """An attempt cut by the timeout counts as failed and is retried."""
    bus = EventBus(retry_wait=0)
    calls = 0

    async def hangs_once(event: Event) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            await anyio.Event().wait()

    bus.subscribe("a", hangs_once, name="h", timeout=0.05, retries=1)
    await bus.publish(Event(type="a"))
    stats = bus.stats().handlers["h"]
    assert (calls, stats.delivered, stats.retried, stats.timed_out) == (2, 1, 1, 0)


async def test_exhausted_retries_fail_the_delivery() -> None:
    """When every attempt fails, the failure records how many attempts were made."""
    bus = EventBus(retry_wait=0.001)

    async def broken(event: Event) -> None:
        raise ValueError("always")

    bus.subscribe("a", broken, name="broken", retries=3)
    async with bus.running():
        await bus.publish(Event(type="a"))
        await bus.drain()
    [letter] = bus.dead_letters
    [failure] = letter.failures
    assert (failure.attempts, failure.timed_out, failure.error_type) == (4, False, "ValueError")
    assert bus.stats().handlers["broken"].retried == 3
