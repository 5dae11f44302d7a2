"""Checkpointed offsets: a named stream resumes after its last acknowledged record."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from orchestrion.streams import Checkpoint, MemoryOffsetStore

from ._kit import JITTER, StreamKit, orchestrator

pytestmark = pytest.mark.anyio


async def crash_after(orch: object, taken: int, **kwargs: object) -> list[int]:
    """Consume ``taken`` results of a 100-record stream, then cancel it (a crash)."""
    seen: list[int] = []
    with anyio.CancelScope() as scope:
        async with orch.stream(range(100), workflow=JITTER, **kwargs) as results:  # type: ignore[attr-defined]
            async for result in results:
                seen.append(result.offset)
                if len(seen) == taken:
                    scope.cancel()
    return seen


@pytest.mark.parametrize("ordered", [True, False])
async def test_resume_after_a_crash_emits_every_record_exactly_once(ordered: bool) -> None:
    """Two runs of a named stream, the first cancelled, together yield each record once."""
    kit = StreamKit(seed=5)
    async with orchestrator(kit) as orch:
        first = await crash_after(
            orch, 37, name="orders", ordered=ordered, concurrency=8, checkpoint_every=10
        )
        async with orch.stream(
            range(100), workflow=JITTER, name="orders", ordered=ordered, concurrency=8
        ) as results:
            second = [r.offset async for r in results]
            resumed = results.stats.resumed_after
    assert len(first) >= 37  # a result already queued may come before the cancellation
    assert sorted(first + second) == list(range(100))
    if ordered:
        assert resumed == len(first) - 1
        assert second[0] == len(first)


async def test_offsets_live_in_the_sqlite_state_file(tmp_path: Path) -> None:
    """With an sqlite state store, a new orchestrator resumes the stream from the file."""
    state = tmp_path / "state.db"
    async with orchestrator(StreamKit(), state=state) as orch:
        first = await crash_after(orch, 20, name="feed", checkpoint_every=1000)
    async with (
        orchestrator(StreamKit(), state=state) as orch,
        orch.stream(range(100), workflow=JITTER, name="feed") as results,
    ):
        second = [r.offset async for r in results]
    assert first == list(range(len(first)))
    assert second == list(range(len(first), 100))


async def test_an_explicit_offset_store_is_used() -> None:
    """``offsets=`` takes any OffsetStore; a finished stream records its last offset."""
    store = MemoryOffsetStore()
    async with orchestrator(StreamKit()) as orch:
        async with orch.stream(range(10), workflow=JITTER, name="n", offsets=store) as results:
            assert [r.offset async for r in results] == list(range(10))
        assert await store.get("n") == Checkpoint(9, ())
        async with orch.stream(range(10), workflow=JITTER, name="n", offsets=store) as results:
            assert [r async for r in results] == []


async def test_unnamed_streams_do_not_checkpoint() -> None:
    """Without a name, every run starts from the first record."""
    async with orchestrator(StreamKit()) as orch:
        for _ in range(2):
            async with orch.stream(range(3), workflow=JITTER) as results:
                assert [r.offset async for r in results] == [0, 1, 2]
