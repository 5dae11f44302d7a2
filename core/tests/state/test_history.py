"""Run history: listing by status and limit, and pruning old finished runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from orchestrion import Orchestrator

from ._kit import fan_workflow

pytestmark = pytest.mark.anyio

MakeOrch = Callable[..., Orchestrator]


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
async def test_list_filters_and_limits(kind: str, make_orch: MakeOrch, state_file: Path) -> None:
    """``list_runs`` returns the newest first, filtered by status and limited."""
    spec = str(state_file) if kind == "sqlite" else "memory"
    async with make_orch(spec) as orch:
        ids = [(await orch.run(fan_workflow(), n)).run_id for n in range(3)]
        store = orch.store
        newest = await store.list_runs()
        assert [r.run_id for r in newest] == ids[::-1]
        assert [r.run_id for r in await store.list_runs(limit=2)] == ids[:0:-1]
        assert await store.list_runs(status="failed") == []
        assert len(await store.list_runs(status="succeeded")) == 3
        run = newest[0]
        assert run.summary is not None
        assert run.summary["totals"]["steps"] == len(fan_workflow().steps)
        assert run.finished_at is not None


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
async def test_prune_deletes_only_old_finished_runs(
    kind: str, make_orch: MakeOrch, state_file: Path
) -> None:
    """``prune`` removes finished runs older than the cut-off, with their steps."""
    spec = str(state_file) if kind == "sqlite" else "memory"
    async with make_orch(spec) as orch:
        first = await orch.run(fan_workflow(), 2)
        store = orch.store
        assert await store.prune(datetime.now(UTC) - timedelta(days=1)) == 0
        assert await store.prune(datetime.now(UTC) + timedelta(seconds=1)) == 1
        assert await store.get_run(first.run_id) is None
        assert await store.get_steps(first.run_id) == []


async def test_memory_store_keeps_the_newest_finished_runs(make_orch: MakeOrch) -> None:
    """The memory store forgets the oldest finished runs beyond ``max_runs``."""
    async with make_orch("memory") as orch:
        ids = [(await orch.run(fan_workflow(), 1)).run_id for _ in range(105)]
        kept = await orch.store.list_runs()
        assert len(kept) == 100
        assert {r.run_id for r in kept} == set(ids[5:])
        assert await orch.store.get_steps(ids[0]) == []
