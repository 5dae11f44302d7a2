"""Resume planning: which run, with which workflow, reusing which results.

A run can be resumed while it is recorded ``running`` (its process died) or
``cancelled`` (a deadline or an interruption stopped it). The workflow is the
one recorded, unless the file it was loaded from still exists: that file is
read again and must match the recorded definition, as must the plugin set,
unless ``force`` is given. Every committed step and fan-out item result is
replayed instead of run again; the rest runs as in a fresh run.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exceptions import StateError
from ._journal import Journal
from ._records import RunRecord, StepRecord
from ._wiring import definition_of, owner_of, plugins_of

if TYPE_CHECKING:
    from .._engine._model import Workflow
    from .._engine._results import RunResult
    from .._orchestrator import Orchestrator

__all__ = ["RESUMABLE", "resume_run"]

#: Run statuses a resume accepts.
RESUMABLE = frozenset({"running", "cancelled"})


def _plugin_changes(old: dict[str, Any], new: dict[str, Any]) -> str:
    changes = [f"-{n}" for n in sorted(set(old) - set(new))]
    changes += [f"+{n}" for n in sorted(set(new) - set(old))]
    changes += [
        f"{n} {old[n]} -> {new[n]}" for n in sorted(set(old) & set(new)) if old[n] != new[n]
    ]
    return ", ".join(changes) or "versions differ"


def _workflow_for(
    orch: Orchestrator, run: RunRecord, given: Workflow | None, force: bool
) -> Workflow:
    from .._engine._loader import load_workflow
    from .._engine._model import Workflow

    current = given
    where = "the given workflow"
    if current is None and run.source is not None and Path(run.source).is_file():
        current = load_workflow(run.source)
        where = run.source
    if current is None:
        return Workflow.model_validate(run.definition)
    _, digest = definition_of(orch, current)
    if digest != run.workflow_hash and not force:
        msg = (
            f"run {run.run_id!r}: {where} changed since the run started, so its stored "
            "results may not fit it; start a new run, or resume with --force (force=True) "
            "to run the remaining steps with the current definition"
        )
        raise StateError(msg, run_id=run.run_id)
    return current


async def resume_run(
    orch: Orchestrator,
    run_id: str,
    *,
    workflow: Workflow | None = None,
    force: bool = False,
    deadline: float | None = None,
    concurrency: int | None = None,
) -> RunResult:
    """Resume run ``run_id``; see :meth:`Orchestrator.resume`."""
    store = orch.store
    run = await store.get_run(run_id)
    if run is None:
        msg = f"no run {run_id!r} in the state store; `orchestrion runs list` shows the known runs"
        raise StateError(msg, run_id=run_id)
    if run.status not in RESUMABLE:
        msg = (
            f"run {run_id!r} already finished ({run.status}); nothing to resume "
            "(only running or cancelled runs can be resumed)"
        )
        raise StateError(msg, run_id=run_id)
    wf = _workflow_for(orch, run, workflow, force)
    plugins, plugins_hash = plugins_of(orch)
    if plugins_hash != run.plugins_hash and not force:
        msg = (
            f"run {run_id!r}: the plugin set changed since the run started "
            f"({_plugin_changes(run.plugins, plugins)}); load the same plugins, or resume "
            "with --force (force=True)"
        )
        raise StateError(msg, run_id=run_id)
    replay: dict[tuple[str, int | None], StepRecord] = {
        (step.step, step.item): step for step in await store.get_steps(run_id)
    }
    journal = Journal(store, run, owner_of(orch), resumed=True, replay=replay)
    return await orch.engine.run(
        wf,
        run.input,
        run_id=run_id,
        journal=journal,
        deadline=deadline,
        concurrency=concurrency,
    )
