"""Run ownership: a run another live process (or orchestrator) is running
cannot be resumed; a dead owner's lease is taken over at once."""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import anyio
import pytest

from orchestrion import Orchestrator
from orchestrion.exceptions import RunLeaseError

from ._kit import StatePlugin, fan_workflow

pytestmark = pytest.mark.anyio

MakeOrch = Callable[..., Orchestrator]


def _hold_in_run(orch: Orchestrator, plugin: StatePlugin, run_ids: list[str]) -> None:
    original = orch.engine.journal_for
    assert original is not None

    def spy(*args: Any) -> Any:
        journal = original(*args)
        run_ids.append(journal.run_id)
        plugin.hold = {f"{journal.run_id}:c1"}
        return journal

    orch.engine.journal_for = spy


async def test_resume_of_a_run_in_progress_is_refused(
    make_orch: MakeOrch, plugin: StatePlugin, state_file: Path
) -> None:
    """While one orchestrator runs a run, another's resume is refused naming pid@host."""
    run_ids: list[str] = []
    async with make_orch(str(state_file)) as owner, make_orch(str(state_file)) as other:
        _hold_in_run(owner, plugin, run_ids)
        async with anyio.create_task_group() as tg:
            tg.start_soon(owner.run, fan_workflow(), 4)
            await plugin.holding.wait()
            with pytest.raises(RunLeaseError) as info:
                await other.resume(run_ids[0])
            plugin.gate.set()
    label = f"{os.getpid()}@{socket.gethostname()}"
    assert info.value.owner == label
    assert label in str(info.value)
    assert info.value.exit_code == 4


async def test_a_dead_owners_lease_is_taken_over(
    make_orch: MakeOrch, plugin: StatePlugin, state_file: Path
) -> None:
    """A lease whose process no longer exists does not block a resume."""
    run_ids: list[str] = []
    orch = make_orch(str(state_file))
    _hold_in_run(orch, plugin, run_ids)
    async with anyio.create_task_group() as tg:
        tg.start_soon(orch.run, fan_workflow(), 4)
        await plugin.holding.wait()
        tg.cancel_scope.cancel()
    await orch.aclose()
    dead = await anyio.run_process([sys.executable, "-c", "import os; print(os.getpid())"])
    owner = f"{dead.stdout.decode().strip()}@{socket.gethostname()}#gone"
    with closing(sqlite3.connect(state_file)) as db, db:  # as if that process died holding it
        db.execute(
            "INSERT OR REPLACE INTO leases (run_id, owner, expires_at) VALUES (?, ?, 9e18)",
            (run_ids[0], owner),
        )
    plugin.gate.set()
    async with make_orch(str(state_file)) as again:
        result = await again.resume(run_ids[0])
    assert result.status == "succeeded"


async def test_a_live_foreign_lease_is_refused(
    make_orch: MakeOrch, plugin: StatePlugin, state_file: Path
) -> None:
    """A valid lease held by another live process refuses the resume."""
    run_ids: list[str] = []
    orch = make_orch(str(state_file))
    _hold_in_run(orch, plugin, run_ids)
    async with anyio.create_task_group() as tg:
        tg.start_soon(orch.run, fan_workflow(), 4)
        await plugin.holding.wait()
        tg.cancel_scope.cancel()
    await orch.aclose()
    with closing(sqlite3.connect(state_file)) as db, db:  # pid 1 exists on every host
        db.execute(
            "INSERT OR REPLACE INTO leases (run_id, owner, expires_at) VALUES (?, ?, 9e18)",
            (run_ids[0], f"1@{socket.gethostname()}#init"),
        )
    async with make_orch(str(state_file)) as again:
        with pytest.raises(RunLeaseError, match=f"owned by process 1@{socket.gethostname()}"):
            await again.resume(run_ids[0])


async def test_a_run_whose_lease_is_taken_over_stops(
    make_orch: MakeOrch, plugin: StatePlugin, state_file: Path
) -> None:
    """When another process takes the lease, the run's next heartbeat stops it
    with a RunLeaseError naming the new owner, and it writes nothing more."""
    from orchestrion._state._sqlite import SqliteStore, SqliteStoreOptions

    store = SqliteStore(SqliteStoreOptions(path=str(state_file), lease_ttl=0.03))
    run_ids: list[str] = []
    async with make_orch(store) as orch:
        _hold_in_run(orch, plugin, run_ids)

        async def take_over() -> None:
            await plugin.holding.wait()
            with closing(sqlite3.connect(state_file)) as db, db:
                db.execute(
                    "UPDATE leases SET owner = ?, expires_at = 9e18 WHERE run_id = ?",
                    (f"1@{socket.gethostname()}#other", run_ids[0]),
                )

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(take_over)
                with pytest.raises(RunLeaseError, match="taken over by process 1@"):
                    await orch.run(fan_workflow(), 4)
        record = await store.get_run(run_ids[0])
    assert record is not None
    assert record.status == "running"
