"""Resume: only what has no committed result runs again, and the result equals
an uninterrupted run's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest

from orchestrion import Orchestrator, Workflow
from orchestrion.exceptions import StateError

from ._kit import StatePlugin, fan_workflow

pytestmark = pytest.mark.anyio

MakeOrch = Callable[..., Orchestrator]


async def _interrupted(make_orch: MakeOrch, plugin: StatePlugin, state: Any, wf: Workflow) -> str:
    """Start ``wf``, hold item 4 of ``b``, cancel the run from outside once it
    is held, and return the run id."""
    plugin.hold = {"{run}:b:4"}
    run_ids: list[str] = []
    orch = make_orch(state)
    original = orch.engine.journal_for
    assert original is not None

    def spy(*args: Any) -> Any:
        journal = original(*args)
        run_ids.append(journal.run_id)
        plugin.hold = {f"{journal.run_id}:b:4"}
        return journal

    orch.engine.journal_for = spy
    async with anyio.create_task_group() as tg:
        tg.start_soon(orch.run, wf, 10)
        await plugin.holding.wait()
        tg.cancel_scope.cancel()
    # The memory store lives in ``orch``; it must stay open for the resume.
    if not isinstance(state, str | Path):
        return run_ids[0]
    await orch.aclose()
    return run_ids[0]


@pytest.mark.parametrize("kind", ["sqlite", "memory"])
async def test_resume_reruns_only_uncommitted_units(
    kind: str, make_orch: MakeOrch, plugin: StatePlugin, state_file: Path
) -> None:
    """After an interruption, resume runs only what was not committed and its
    result equals an uninterrupted run's."""
    wf = fan_workflow()
    async with make_orch("memory") as fresh:
        expected = await fresh.run(wf, 10)
    plugin.executions.clear()
    if kind == "sqlite":
        run_id = await _interrupted(make_orch, plugin, str(state_file), wf)
        first = list(plugin.executions)
        plugin.gate.set()
        async with make_orch(str(state_file)) as orch:
            result = await orch.resume(run_id)
    else:
        # A memory store lives in its orchestrator: resume with the same one.
        shared = make_orch("memory")
        store = shared.store
        run_id = await _interrupted(lambda _s: shared, plugin, "memory", wf)
        first = list(plugin.executions)
        plugin.gate.set()
        async with make_orch(store) as orch:
            result = await orch.resume(run_id)
    again = plugin.executions[len(first) :]
    assert result.run_id == run_id
    assert result.status == "succeeded"
    assert result.output == expected.output
    assert {n: s.output for n, s in result.steps.items()} == {
        n: s.output for n, s in expected.steps.items()
    }
    assert f"{run_id}:b:4" in again  # the unit in flight at the interruption
    redone = set(first) & set(again)
    assert redone <= {f"{run_id}:b:4"}
    assert len(again) == len(set(again))


async def test_resume_refuses_a_changed_workflow(
    make_orch: MakeOrch, plugin: StatePlugin, state_file: Path
) -> None:
    """A workflow that differs from the recorded one is refused, unless forced."""
    wf = fan_workflow()
    run_id = await _interrupted(make_orch, plugin, str(state_file), wf)
    plugin.gate.set()
    changed = fan_workflow(chain=6)
    async with make_orch(str(state_file)) as orch:
        with pytest.raises(StateError, match=r"changed since the run started.*--force"):
            await orch.resume(run_id, workflow=changed)
        result = await orch.resume(run_id, workflow=changed, force=True)
    assert result.status == "succeeded"
    assert "c5" in result.steps


async def test_resume_refuses_a_changed_plugin_set(
    make_orch: MakeOrch, plugin: StatePlugin, state_file: Path
) -> None:
    """A different plugin set is refused and the message names the difference."""

    class Extra:
        orchestrion_plugin_name = "extra-plugin"

    wf = fan_workflow()
    run_id = await _interrupted(make_orch, plugin, str(state_file), wf)
    plugin.gate.set()
    async with make_orch(str(state_file), Extra()) as orch:
        with pytest.raises(StateError, match=r"plugin set changed.*\+extra-plugin"):
            await orch.resume(run_id)


async def test_resume_refuses_finished_and_unknown_runs(
    make_orch: MakeOrch, state_file: Path
) -> None:
    """A finished run or an unknown id cannot be resumed, with a clear message."""
    async with make_orch(str(state_file)) as orch:
        done = await orch.run(fan_workflow(), 3)
        with pytest.raises(StateError, match="already finished \\(succeeded\\)"):
            await orch.resume(done.run_id)
        with pytest.raises(StateError, match="no run 'nope'"):
            await orch.resume("nope")


async def test_a_deadline_cancelled_run_can_be_resumed(
    make_orch: MakeOrch, plugin: StatePlugin, state_file: Path
) -> None:
    """A run stopped by its deadline is recorded ``cancelled`` and resumable."""
    wf = fan_workflow()
    async with make_orch(str(state_file)) as orch:
        original = orch.engine.journal_for
        assert original is not None

        def spy(*args: Any) -> Any:
            journal = original(*args)
            plugin.hold = {f"{journal.run_id}:c2"}
            return journal

        orch.engine.journal_for = spy
        with anyio.fail_after(5):
            stopped = await orch.run(wf, 5, deadline=0.2)
        assert stopped.status == "cancelled"
        record = await orch.store.get_run(stopped.run_id)
        assert record is not None
        assert record.status == "cancelled"
        plugin.gate.set()
        result = await orch.resume(stopped.run_id)
    assert result.status == "succeeded"
    assert result.output == 10 + 5 + 5 + 5  # sum(range(5)) + 2 * 5, then five +1
