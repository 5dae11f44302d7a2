"""The memory and SQLite stores record the same things for the same runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from orchestrion import Orchestrator, Workflow
from orchestrion.protocols import StateStore

from ._kit import fan_workflow

pytestmark = pytest.mark.anyio

MakeOrch = Callable[..., Orchestrator]


def _failing() -> Workflow:
    return Workflow.builder("fails").step("sum", "t.sum").build()


async def _recorded(orch: Orchestrator) -> tuple[list[object], list[object]]:
    ok = await orch.run(fan_workflow(items=5, chain=2), 5)
    bad = await orch.run(_failing(), 3)  # sum(3): a TypeError
    runs: list[object] = []
    steps: list[object] = []
    for result in (ok, bad):
        run = await orch.store.get_run(result.run_id)
        assert run is not None
        runs.append(
            run.model_dump(exclude={"run_id", "created_at", "updated_at", "finished_at", "summary"})
        )
        runs.append((run.summary or {}).get("totals"))
        steps.append(
            [
                (s.step, s.item, s.status, s.output, s.error_type, s.error_message, s.attempts)
                for s in await orch.store.get_steps(result.run_id)
            ]
        )
    return runs, steps


async def test_memory_and_sqlite_record_the_same(make_orch: MakeOrch, state_file: Path) -> None:
    """Run records (definition, input, plugins, hashes, status, totals) and step
    records (status, output, error, attempts) match between the two stores."""
    async with make_orch("memory") as memory, make_orch(str(state_file)) as sqlite:
        assert isinstance(memory.store, StateStore)
        assert isinstance(sqlite.store, StateStore)
        assert not memory.store.durable
        assert sqlite.store.durable
        assert await _recorded(memory) == await _recorded(sqlite)
