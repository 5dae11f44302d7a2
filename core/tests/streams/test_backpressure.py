"""Bounded buffers: a stalled consumer stalls the producer."""

from __future__ import annotations

import anyio
import pytest

from orchestrion.exceptions import ConfigError

from ._kit import JITTER, Counting, StreamKit, orchestrator

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("ordered", [True, False])
async def test_producer_stays_within_the_bound_of_a_stalled_consumer(ordered: bool) -> None:
    """While the consumer holds, the source is read at most ``max_ahead`` records ahead."""
    kit = StreamKit()
    source = Counting(10_000)
    async with orchestrator(kit) as orch:
        stream = orch.stream(source, workflow=JITTER, concurrency=4, buffer=8, ordered=ordered)
        async with stream as results:
            taken = 0
            async for _ in results:
                taken += 1
                if taken in (1, 50, 500):  # hold: let everything else run until blocked
                    await anyio.wait_all_tasks_blocked()
                    assert source.produced - taken <= results.max_ahead
                    assert source.produced - taken >= results.buffer  # it did run ahead
                if taken == 500:
                    break
    assert source.produced < 500 + results.max_ahead + 1


async def test_bad_arguments_are_refused_before_reading() -> None:
    """A zero buffer or an unknown shutdown mode is a ConfigError naming the argument."""
    kit = StreamKit()
    source = Counting(3)
    async with orchestrator(kit) as orch:
        with pytest.raises(ConfigError, match="buffer"):
            orch.stream(source, workflow=JITTER, buffer=0)
        with pytest.raises(ConfigError, match="on_shutdown"):
            orch.stream(source, workflow=JITTER, on_shutdown="later")  # type: ignore[arg-type]
        with pytest.raises(ConfigError, match="source"):
            orch.stream(42, workflow=JITTER)  # type: ignore[arg-type]
    assert source.produced == 0
