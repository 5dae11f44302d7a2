"""Turning a finished run's slot records into the public :class:`RunResult`.

This is the only place pydantic models are made for a run, once, at its end.
Every value was produced by the engine itself and already has the right type,
so models are assembled without validation (:func:`_assemble`): even
pydantic's ``model_construct`` would cost more than running a no-op step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from .._resilience._failures import FailureRecord
from ._results import (
    ErrorInfo,
    ItemResult,
    Rec,
    RunResult,
    RunTotals,
    StepResult,
    run_status,
)
from ._scheduler import RunState

M = TypeVar("M", bound=BaseModel)

#: At most this many failure records per step and per run result (the newest
#: are in the orchestrator's failure log; ``failures_dropped`` counts the rest).
MAX_FAILURES = 1000

__all__ = ["build_result"]

_FIELDS_SET: dict[type[BaseModel], set[str]] = {}


def _fields_set(cls: type[BaseModel]) -> set[str]:
    fields_set = _FIELDS_SET.get(cls)
    if fields_set is None:
        fields_set = _FIELDS_SET[cls] = set(cls.model_fields)
    return fields_set


def _assemble(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of the frozen model ``cls`` from a complete, already-valid
    ``values`` mapping (every field present), without validation."""
    obj = cls.__new__(cls)
    # The attributes BaseModel.__init__ itself sets; models here are frozen, so
    # the shared fields-set is never mutated.
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", _fields_set(cls))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


def _sum_usage(total: dict[str, Any] | None, usage: dict[str, Any]) -> dict[str, Any]:
    """``usage`` added into ``total``: numbers summed, anything else kept from
    the first item that reported it."""
    if total is None:
        return dict(usage)
    for key, value in usage.items():
        old = total.get(key)
        if key not in total:
            total[key] = value
        elif (
            isinstance(old, int | float)
            and isinstance(value, int | float)
            and not isinstance(old, bool)
            and not isinstance(value, bool)
        ):
            total[key] = old + value
    return total


class _ItemSummary:
    """What a per-item step's item records add up to."""

    __slots__ = ("attempts", "end", "failures", "fallback", "instance", "start", "usage")

    def __init__(self) -> None:
        self.attempts = 0
        self.start: float | None = None
        self.end: float | None = None
        self.instance: str | None = None
        self.fallback: str | None = None
        self.failures: list[FailureRecord] = []
        self.usage: dict[str, Any] | None = None


def _items(recs: list[Rec]) -> tuple[list[ItemResult], _ItemSummary]:
    """Item results and their summary (attempts, time span, first instance and
    fallback, failure records, usage)."""
    out: list[ItemResult] = []
    summary = _ItemSummary()
    attempts = 0
    start: float | None = None
    end: float | None = None
    instance: str | None = None
    failures = summary.failures
    for index, rec in enumerate(recs):
        attempts += rec.attempts
        if rec.failures and len(failures) < MAX_FAILURES:
            failures.extend(rec.failures[: MAX_FAILURES - len(failures)])
        if rec.usage is not None:
            summary.usage = _sum_usage(summary.usage, rec.usage)
        if summary.fallback is None:
            summary.fallback = rec.fallback
        if rec.start is not None and (start is None or rec.start < start):
            start = rec.start
        if rec.end is not None and (end is None or rec.end > end):
            end = rec.end
        if instance is None:
            instance = rec.instance
        out.append(
            _assemble(
                ItemResult,
                {
                    "index": index,
                    "status": rec.status,
                    "error": None if rec.error is None else ErrorInfo.of(rec.error),
                    "fallback": rec.fallback,
                    "attempts": rec.attempts,
                    "duration": None
                    if rec.start is None or rec.end is None
                    else rec.end - rec.start,
                    "instance": rec.instance,
                    "failures": list(rec.failures),
                    "usage": rec.usage,
                },
            )
        )
    summary.attempts, summary.start, summary.end, summary.instance = attempts, start, end, instance
    return out, summary


def build_result(
    state: RunState, *, wall0: datetime, pc0: float, pc1: float, wall1: datetime
) -> RunResult:
    """The public result of a run whose scheduler has returned."""
    offset = wall0.timestamp() - pc0
    counts: dict[str, int] = {
        "succeeded": 0,
        "degraded": 0,
        "failed": 0,
        "skipped": 0,
        "cancelled": 0,
    }
    steps: dict[str, StepResult] = {}
    items_total = 0
    items_failed = 0
    # This loop runs once per step of every run: everything it touches is
    # bound to a local first, and models are assembled inline (see _assemble).
    new = StepResult.__new__
    fields_set = _fields_set(StepResult)
    setattr_ = object.__setattr__
    stamp = datetime.fromtimestamp
    outputs = state.outputs
    all_recs = state.recs
    all_item_recs = state.item_recs
    run_failures: list[FailureRecord] = []
    dropped = 0
    for node in state.nodes:
        index = node.index
        rec = all_recs[index]
        status = rec.status
        item_results: list[ItemResult] | None = None
        attempts, start, end, instance = rec.attempts, rec.start, rec.end, rec.instance
        fallback, usage = rec.fallback, rec.usage
        failures: Sequence[FailureRecord] = rec.failures
        error = None if rec.error is None else ErrorInfo.of(rec.error)
        if node.per_item:
            recs = all_item_recs[index] or []
            item_results, summary = _items(recs)
            attempts, start, end, instance = (
                summary.attempts,
                summary.start,
                summary.end,
                summary.instance,
            )
            fallback, usage = summary.fallback, summary.usage
            failures = summary.failures
            items_total += len(recs)
            items_failed += state.failed_items[index]
            if not state.completed[index]:
                started = any(r.start is not None for r in recs)
                status = rec.status = "cancelled" if started else "skipped"
            if status == "failed" and error is None:
                first = next((r.error for r in recs if r.error is not None), None)
                if first is not None:
                    error = ErrorInfo(
                        type=type(first).__qualname__,
                        message=f"{state.failed_items[index]} of {len(recs)} items failed; "
                        f"the first: {first}",
                    )
        counts[status] += 1
        if failures:
            room = MAX_FAILURES - len(run_failures)
            run_failures.extend(failures[:room])
            dropped += max(len(failures) - room, 0)
        result = new(StepResult)
        setattr_(
            result,
            "__dict__",
            {
                "name": node.name,
                "component": node.ctype.name,
                "status": status,
                "output": outputs[index] if status in ("succeeded", "degraded") else None,
                "error": error,
                "degraded_reason": rec.reason,
                "fallback": fallback,
                "attempts": attempts,
                "started_at": None if start is None else stamp(offset + start, UTC),
                "finished_at": None if end is None else stamp(offset + end, UTC),
                "duration": None if start is None or end is None else end - start,
                "instance": instance,
                "items": item_results,
                "failures": list(failures),
                "usage": usage,
            },
        )
        setattr_(result, "__pydantic_fields_set__", fields_set)
        setattr_(result, "__pydantic_extra__", None)
        setattr_(result, "__pydantic_private__", None)
        steps[node.name] = result
    sinks = state.plan.sinks
    output: Any
    if len(sinks) == 1:
        output = steps[state.nodes[sinks[0]].name].output
    else:
        output = {state.nodes[i].name: steps[state.nodes[i].name].output for i in sinks}
    totals = RunTotals.model_construct(
        None,
        steps=len(state.nodes),
        items=items_total,
        items_failed=items_failed,
        **counts,
    )
    return RunResult.model_construct(
        run_id=state.run_id,
        workflow=state.plan.workflow.name,
        status=run_status(counts, state.cancelled_by),
        started_at=wall0,
        finished_at=wall1,
        duration=pc1 - pc0,
        steps=steps,
        output=output,
        totals=totals,
        cancelled_by=state.cancelled_by,
        failures=run_failures,
        failures_dropped=dropped,
    )
