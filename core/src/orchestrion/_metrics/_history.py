"""Metrics of past runs, aggregated from a state store's records.

A CLI process has no live runs of its own, so ``orchestrion metrics`` reads
the store every run is recorded in: per component type, the committed step
(or fan-out item) results; per run, the final status and totals. Breakers and
pools are live objects of the process that ran, so the store cannot show them
(the snapshot's ``notes`` say so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._collector import Counter, MetricsRecorder, RunCounter

if TYPE_CHECKING:
    from .._registry import Registry
    from .._state._records import RunRecord, StepRecord
    from ..protocols import StateStore
    from ._health import LastError
    from ._model import MetricsSnapshot

__all__ = ["STORE_NOTES", "count_run", "stored_last_errors", "stored_metrics"]

#: What a snapshot built from a state store leaves out.
STORE_NOTES = (
    "breaker states, transitions and pool figures are live state of the process that "
    "ran the workflows; a state store does not keep them (serve them from that process "
    "with Orchestrator.metrics() or 'orchestrion serve-metrics')",
    "latencies are the committed step (or item) durations, retries and waits included",
    "stream records are not stored as runs; per-stream totals live in the streaming process",
)


def _components(run: RunRecord) -> dict[str, str]:
    steps = run.definition.get("steps", {})
    if not isinstance(steps, dict):
        return {}
    return {
        str(name): str(step.get("component"))
        for name, step in steps.items()
        if isinstance(step, dict) and step.get("component")
    }


def count_run(
    run: RunRecord, records: list[StepRecord], counters: dict[str, Counter], runs: RunCounter
) -> None:
    """Add one stored run and its step records to ``counters`` and ``runs``."""
    components = _components(run)
    with_items = {r.step for r in records if r.item is not None}
    for rec in records:
        # A per-item step is counted by its items, like a live run's result.
        if rec.item is None and rec.step in with_items:
            continue
        component = components.get(rec.step)
        if component is None or rec.status not in ("succeeded", "degraded", "failed"):
            continue
        counter = counters.get(component)
        if counter is None:
            counter = counters[component] = Counter()
        # A degraded result is always a fallback's answer (the store keeps no name).
        counter.add(rec.status, rec.attempts, rec.duration, rec.status == "degraded")
    summary: dict[str, Any] = run.summary or {}
    totals = summary.get("totals") or {}
    duration = summary.get("duration")
    runs.add(
        run.status,
        int(totals.get("steps", len(components))),
        int(totals.get("items", len(with_items))),
        float(duration) if isinstance(duration, int | float) else None,
    )


async def stored_metrics(
    store: StateStore, *, registry: Registry | None = None, limit: int | None = None
) -> MetricsSnapshot:
    """A snapshot of the finished runs in ``store`` (the newest ``limit``, or all)."""
    counters: dict[str, Counter] = {}
    runs = RunCounter()
    skipped = 0
    for run in await store.list_runs(limit=limit):
        if run.status == "running":  # unfinished or interrupted: no final figures yet
            skipped += 1
            continue
        count_run(run, await store.get_steps(run.run_id), counters, runs)
    recorder = MetricsRecorder()
    recorder.merge_counts(counters, runs)
    notes = list(STORE_NOTES)
    if skipped:
        notes.append(f"{skipped} run(s) still running or interrupted were left out")
    snapshot = recorder.snapshot(registry=registry, source="state_store", notes=notes)
    return snapshot.model_copy(update={"since": None})


async def stored_last_errors(
    store: StateStore, *, limit: int | None = None
) -> dict[str, LastError]:
    """The newest failed step (or item) per component type among the newest
    ``limit`` runs in ``store``: its error type and message (cut to 200
    characters, as ``orchestrion runs show`` prints it)."""
    from ._health import LastError

    found: dict[str, LastError] = {}
    for run in await store.list_runs(limit=limit):  # newest first: the first seen wins
        components = _components(run)
        for rec in reversed(await store.get_steps(run.run_id)):
            component = components.get(rec.step)
            if component is None or component in found or rec.error_type is None:
                continue
            found[component] = LastError(
                type=rec.error_type,
                message=(rec.error_message or "")[:200],
                step=rec.step,
                time=run.finished_at or run.updated_at,
            )
    return found
