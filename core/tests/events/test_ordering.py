"""Events of one run reach each handler in publication order."""

from __future__ import annotations

import random

import anyio
import anyio.lowlevel
import pytest

from orchestrion import Event, EventBus

pytestmark = pytest.mark.anyio


async def test_events_sharing_a_correlation_id_stay_in_order() -> None:
    """With many dispatchers and handlers taking uneven time, each run's events
    arrive in the order they were published."""
    rng = random.Random(8)
    bus = EventBus(dispatchers=8, queue_size=16)
    seen: dict[str, list[int]] = {}

    async def uneven(event: Event) -> None:
        for _ in range(rng.randrange(20)):  # yield to other tasks a random number of times
            await anyio.lowlevel.checkpoint()
        assert event.correlation_id is not None
        seen.setdefault(event.correlation_id, []).append(event.data["n"])

    bus.subscribe("step.*", uneven, name="uneven")
    runs = [f"run-{i}" for i in range(6)]

    async def publish_run(run: str) -> None:
        for n in range(40):
            await bus.publish(Event(type="step.started", data={"n": n}, correlation_id=run))

    async with bus.running():
        async with anyio.create_task_group() as tg:
            for run in runs:
                tg.start_soon(publish_run, run)
        await bus.drain()
    assert seen == {run: list(range(40)) for run in runs}
