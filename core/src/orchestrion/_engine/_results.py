"""Run results: cheap slot records while a run is hot, public pydantic models
built once at its end.

Statuses: a step is ``succeeded``, ``degraded`` (a fallback answered),
``failed``, ``skipped`` (never ran: a dependency failed or the run stopped
first) or ``cancelled`` (in flight when the run was cancelled). The run's
status is computed from them (see :func:`run_status`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer
from pydantic_core import to_jsonable_python

from .._resilience._failures import FailureRecord
from ..exceptions import RunFailed

__all__ = [
    "ErrorInfo",
    "ItemResult",
    "Rec",
    "RunResult",
    "RunStatus",
    "RunTotals",
    "StepResult",
    "StepStatus",
    "run_status",
]

StepStatus = Literal["succeeded", "degraded", "failed", "skipped", "cancelled"]
RunStatus = Literal["succeeded", "degraded", "partial", "failed", "cancelled"]
CancelledBy = Literal["deadline", "fail_fast"]


class Rec:
    """What happened to one step or fan-out item, in the hot loop (no pydantic)."""

    __slots__ = (
        "attempts",
        "end",
        "error",
        "failures",
        "fallback",
        "instance",
        "reason",
        "start",
        "status",
        "usage",
    )

    def __init__(self) -> None:
        self.status: StepStatus = "skipped"
        self.start: float | None = None
        self.end: float | None = None
        self.attempts = 0
        # The step's own error: why it failed, or what its fallback answered.
        self.error: BaseException | None = None
        self.instance: str | None = None
        self.reason: str | None = None
        self.fallback: str | None = None
        self.failures: tuple[FailureRecord, ...] = ()
        self.usage: dict[str, Any] | None = None


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _jsonable(value: Any) -> Any:
    # Outputs are the user's data: anything pydantic cannot serialise is written
    # as its str() rather than making the whole result unserialisable.
    return to_jsonable_python(value, serialize_unknown=True)


class ErrorInfo(_Model):
    """Why a step or item failed: the exception's type and message (never the
    data it was processing)."""

    type: str = Field(description="The exception's qualified name, e.g. 'ParseError'.")
    message: str = Field(description="The exception's message.")

    @classmethod
    def of(cls, exc: BaseException) -> ErrorInfo:
        """The error info of ``exc``."""
        return cls(type=type(exc).__qualname__, message=str(exc))


class ItemResult(_Model):
    """One fan-out item of a per-item step."""

    index: int = Field(description="The item's position in the fan-out, from 0.")
    status: StepStatus
    error: ErrorInfo | None = Field(
        default=None, description="Why it failed; when degraded, the error its fallback answered."
    )
    fallback: str | None = Field(
        default=None, description="Which fallback produced a degraded output."
    )
    attempts: int = Field(default=0, description="Calls made (0 when it never ran).")
    duration: float | None = Field(default=None, description="Seconds, monotonic clock.")
    instance: str | None = Field(default=None, description="The pooled component that ran it.")
    failures: list[FailureRecord] = Field(
        default_factory=list, description="Its failed attempts and fallbacks, oldest first."
    )
    usage: dict[str, Any] | None = Field(
        default=None, description="What the component reported in ctx.extra['usage']."
    )


class StepResult(_Model):
    """The outcome of one step. A per-item step's ``output`` is the list of its
    item outputs in order (``null`` where an item did not succeed)."""

    name: str
    component: str = Field(description="The component type.")
    status: StepStatus
    output: Any = None
    error: ErrorInfo | None = Field(
        default=None,
        description="Why it failed; when degraded, the original error the fallback answered.",
    )
    degraded_reason: str | None = None
    fallback: str | None = Field(
        default=None,
        description="Which fallback produced a degraded output: 'component:<type>' or "
        "'plugin:<name>' (for a per-item step, the first item's).",
    )
    attempts: int = Field(default=0, description="Calls made (items summed).")
    started_at: datetime | None = Field(default=None, description="UTC.")
    finished_at: datetime | None = Field(default=None, description="UTC.")
    duration: float | None = Field(default=None, description="Seconds, monotonic clock.")
    instance: str | None = Field(
        default=None, description="The pooled component instance ('type/pool#n')."
    )
    items: list[ItemResult] | None = Field(
        default=None, description="Per-item results of a per-item (for_each) step."
    )
    failures: list[FailureRecord] = Field(
        default_factory=list,
        description="Failed attempts and fallbacks (all items'), oldest first; bounded.",
    )
    usage: dict[str, Any] | None = Field(
        default=None,
        description="What the component reported in ctx.extra['usage'] (e.g. LLM tokens); "
        "for a per-item step, numbers summed over the items.",
    )

    @field_serializer("output", when_used="json")
    def _output_json(self, value: Any) -> Any:
        return _jsonable(value)


class RunTotals(_Model):
    """Counts over a run's steps (and fan-out items)."""

    steps: int = 0
    succeeded: int = 0
    degraded: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0
    items: int = Field(default=0, description="Fan-out items processed, all steps.")
    items_failed: int = 0


class RunResult(_Model):
    """The outcome of one run of a workflow.

    ``output`` is the output of the workflow's only final step, or a mapping of
    final step name to output when there are several. ``cancelled_by`` says
    what stopped the run early, if anything.
    """

    run_id: str
    workflow: str
    status: RunStatus
    started_at: datetime = Field(description="UTC.")
    finished_at: datetime = Field(description="UTC.")
    duration: float = Field(description="Seconds, monotonic clock.")
    steps: dict[str, StepResult]
    output: Any = None
    totals: RunTotals
    cancelled_by: CancelledBy | None = None
    failures: list[FailureRecord] = Field(
        default_factory=list,
        description="Every step's failure records, oldest first; bounded (see 'failures_dropped').",
    )
    failures_dropped: int = Field(
        default=0, description="Failure records left out to keep the result bounded."
    )

    @field_serializer("output", when_used="json")
    def _output_json(self, value: Any) -> Any:
        return _jsonable(value)

    @property
    def ok(self) -> bool:
        """Whether the run succeeded (possibly degraded)."""
        return self.status in ("succeeded", "degraded")

    def raise_for_status(self) -> RunResult:
        """Return ``self`` if :attr:`ok`, else raise :class:`~orchestrion.exceptions.RunFailed`."""
        if self.ok:
            return self
        bad = [n for n, s in self.steps.items() if s.status in ("failed", "cancelled")]
        culprit = f"; steps: {', '.join(bad[:5])}" if bad else ""
        msg = f"run {self.run_id} of workflow {self.workflow!r} ended {self.status}{culprit}"
        raise RunFailed(msg, run_id=self.run_id)


def run_status(counts: dict[str, int], cancelled_by: CancelledBy | None) -> RunStatus:
    """The run status from step status counts: a deadline makes it ``cancelled``;
    failures make it ``failed`` (fail-fast, or nothing else succeeded) or
    ``partial``; otherwise ``degraded`` if any step was, else ``succeeded``."""
    if cancelled_by == "deadline" or (counts["cancelled"] and cancelled_by is None):
        return "cancelled"
    if counts["failed"]:
        if cancelled_by == "fail_fast" or not (counts["succeeded"] or counts["degraded"]):
            return "failed"
        return "partial"
    if counts["skipped"] or counts["cancelled"]:
        return "cancelled" if cancelled_by is not None else "partial"
    if counts["degraded"]:
        return "degraded"
    return "succeeded"


def utc_now() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)
