"""Stream statistics, read live and published as ``stream.stats`` events."""

from __future__ import annotations

import anyio
import pytest

from orchestrion import Event
from orchestrion.events import STREAM_STATS

from ._kit import GATED, JITTER, StreamKit, orchestrator

pytestmark = pytest.mark.anyio


async def test_stats_are_readable_during_the_stream() -> None:
    """Mid-stream, the counters show records read, taken and in flight."""
    kit = StreamKit()
    kit.gates[2] = anyio.Event()
    async with (
        orchestrator(kit) as orch,
        orch.stream(range(4), workflow=GATED, concurrency=1, buffer=1) as results,
    ):
        got = [await results.__anext__(), await results.__anext__()]
        await anyio.wait_all_tasks_blocked()
        live = results.stats
        kit.gates[2].set()
        got += [r async for r in results]
        final = results.stats
    assert [r.offset for r in got] == [0, 1, 2, 3]
    assert (live.records_out, live.in_flight, live.errors) == (2, 1, 0)
    assert live.records_in >= 3
    assert (final.records_in, final.records_out, final.in_flight) == (4, 4, 0)
    assert final.p50 is not None
    assert final.p50 <= final.p95 <= final.p99  # type: ignore[operator]
    assert final.throughput > 0


async def test_a_stats_event_is_published_when_the_stream_closes() -> None:
    """A subscriber to ``stream.stats`` receives the final snapshot, named after the stream."""
    events: list[Event] = []

    async def on_stats(event: Event) -> None:
        events.append(event)

    async with orchestrator(StreamKit()) as orch:
        orch.events.subscribe(STREAM_STATS, on_stats)
        async with orch.stream(range(7), workflow=JITTER, name="feed", stats_interval=None) as s:
            assert len([r async for r in s]) == 7
    assert events, "no stream.stats event was delivered"
    last = events[-1]
    assert last.data["stream"] == "feed"
    assert (last.data["records_in"], last.data["records_out"]) == (7, 7)
    assert last.correlation_id == "stream:feed"
