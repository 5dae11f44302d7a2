"""Leaving a stream early: in-flight records are drained or cancelled."""

from __future__ import annotations

import anyio
import pytest

from orchestrion import Orchestrator

from ._kit import GATED, StreamKit, orchestrator

pytestmark = pytest.mark.anyio


async def test_drain_finishes_records_in_flight() -> None:
    """With ``on_shutdown="drain"``, records already started finish after the consumer leaves."""
    kit = StreamKit()
    kit.gates[1] = anyio.Event()

    async def release_when_stuck() -> None:
        await anyio.wait_all_tasks_blocked()  # the stream's exit is waiting for record 1
        assert 1 not in kit.finished
        kit.gates[1].set()

    async with (
        orchestrator(kit) as orch,
        anyio.create_task_group() as tg,
        orch.stream(range(50), workflow=GATED, concurrency=2, buffer=2) as results,
    ):
        first = await results.__anext__()
        await anyio.wait_all_tasks_blocked()
        tg.start_soon(release_when_stuck)
    assert first.offset == 0
    assert 1 in kit.finished
    assert len(kit.started) < 50  # records not started were not processed


async def test_cancel_stops_records_in_flight() -> None:
    """With ``on_shutdown="cancel"``, a record in flight is cancelled, never finished."""
    kit = StreamKit()
    kit.gates[1] = anyio.Event()
    async with orchestrator(kit) as orch:
        stream = orch.stream(range(50), workflow=GATED, concurrency=2, on_shutdown="cancel")
        async with stream as results:
            await results.__anext__()
            await anyio.wait_all_tasks_blocked()
            assert 1 in kit.started
    assert 1 not in kit.finished


async def test_an_error_in_the_consumer_propagates_unwrapped() -> None:
    """An exception raised inside ``async with`` comes out as itself, not in a group."""

    async def consume(orch: Orchestrator) -> None:
        async with orch.stream(range(5), workflow=GATED) as results:
            await results.__anext__()
            raise KeyError("consumer bug")

    async with orchestrator(StreamKit()) as orch:
        with pytest.raises(KeyError):
            await consume(orch)
