"""Ordered and unordered output of ``Orchestrator.stream``."""

from __future__ import annotations

import anyio
import pytest

from ._kit import GATED, JITTER, StreamKit, orchestrator

pytestmark = pytest.mark.anyio


async def test_ordered_output_follows_the_source_under_random_delays() -> None:
    """Records finishing in random order are still yielded in source order."""
    kit = StreamKit(seed=3)
    async with (
        orchestrator(kit) as orch,
        orch.stream(range(300), workflow=JITTER, concurrency=8) as results,
    ):
        got = [r async for r in results]
    assert [r.offset for r in got] == list(range(300))
    assert [r.output for r in got] == [{"value": i} for i in range(300)]
    assert all(r.ok for r in got)
    assert kit.finished != sorted(kit.finished)  # the delays really reordered the work


async def test_sync_iterables_are_adapted() -> None:
    """A plain list is a valid source, iterated directly without ``async with``."""
    kit = StreamKit()
    async with orchestrator(kit) as orch:
        got = [r.output async for r in orch.stream(["a", "b", "c"], workflow=JITTER)]
    assert got == [{"value": "a"}, {"value": "b"}, {"value": "c"}]


async def test_unordered_output_does_not_wait_for_a_slow_record() -> None:
    """Unordered, a record held back does not hold back the records after it."""
    kit = StreamKit()
    kit.gates[0] = anyio.Event()
    async with (
        orchestrator(kit) as orch,
        orch.stream(range(5), workflow=GATED, ordered=False, concurrency=5) as results,
    ):
        seen = []
        async for result in results:
            seen.append(result.offset)
            if len(seen) == 4:  # everything but record 0 came through first
                kit.gates[0].set()
    assert sorted(seen[:4]) == [1, 2, 3, 4]
    assert seen[4] == 0


async def test_ordered_output_waits_for_the_slow_record() -> None:
    """Ordered, later records finish but are yielded only after the held one."""
    kit = StreamKit()
    kit.gates[0] = anyio.Event()
    async with (
        orchestrator(kit) as orch,
        orch.stream(range(5), workflow=GATED, concurrency=5) as results,
    ):
        await anyio.wait_all_tasks_blocked()
        assert sorted(kit.finished) == [1, 2, 3, 4]
        assert results.stats.records_out == 0
        kit.gates[0].set()
        got = [r.offset async for r in results]
    assert got == [0, 1, 2, 3, 4]


async def test_concurrency_bounds_records_in_flight() -> None:
    """No more than ``concurrency`` records are processed at once."""
    kit = StreamKit()
    for i in range(10):
        kit.gates[i] = anyio.Event()
    async with (
        orchestrator(kit) as orch,
        orch.stream(range(10), workflow=GATED, concurrency=3) as results,
    ):
        await anyio.wait_all_tasks_blocked()
        assert kit.started == [0, 1, 2]
        assert results.stats.in_flight == 3
        for gate in kit.gates.values():
            gate.set()
        assert [r.offset async for r in results] == list(range(10))
