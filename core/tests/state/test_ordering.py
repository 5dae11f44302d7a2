"""The ordering guarantee: a result is committed before any dependent starts,
and the run's final status is the last write."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from orchestrion import Orchestrator
from orchestrion._state._records import StepRecord
from orchestrion._state._sqlite import SqliteStore, SqliteStoreOptions

from ._kit import StatePlugin, fan_workflow

pytestmark = pytest.mark.anyio

MakeOrch = Callable[..., Orchestrator]


class RecordingStore(SqliteStore):
    """An SQLite store that tells the plugin what is committed, and logs writes."""

    def __init__(self, path: Path, plugin: StatePlugin) -> None:
        super().__init__(SqliteStoreOptions(path=str(path)))
        self.plugin = plugin
        plugin.committed = set()
        self.writes: list[str] = []

    async def commit(self, run_id: str, steps: Sequence[StepRecord]) -> None:
        await super().commit(run_id, steps)
        assert self.plugin.committed is not None
        self.plugin.committed.update((s.step, s.item) for s in steps)
        self.writes.append(f"commit {len(steps)}")

    async def finish_run(
        self, run_id: str, status: str, finished_at: datetime, summary: dict[str, Any]
    ) -> None:
        await super().finish_run(run_id, status, finished_at, summary)
        self.writes.append(f"finish {status}")


@pytest.mark.parametrize("concurrency", [1, 4, 64])
async def test_dependents_start_after_their_inputs_are_committed(
    concurrency: int, make_orch: MakeOrch, plugin: StatePlugin, state_file: Path
) -> None:
    """No step or item ever starts before the result it consumes is committed."""
    store = RecordingStore(state_file, plugin)
    wf = fan_workflow(items=200, chain=20)
    async with make_orch(store) as orch:
        result = await orch.run(wf, 200, concurrency=concurrency)
        records = await store.get_steps(result.run_id)
    assert result.status == "succeeded"
    assert plugin.violations == []
    assert store.writes[-1] == "finish succeeded"
    # Every unit committed once: 1 emit + 200 a + 200 b + total + 20 chain steps.
    assert len(records) == 1 + 200 + 200 + 1 + 20
    assert len({(r.step, r.item) for r in records}) == len(records)
    # Fan-out items are batched: fewer commits than units.
    assert len([w for w in store.writes if w.startswith("commit")]) < len(records)
