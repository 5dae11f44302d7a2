"""Contracts for extension points, kept apart from their implementations.

A plugin implements these structurally (no base class needed); they are
``runtime_checkable`` so the engine can give a clear error when a factory
returns something that is not a component.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pydantic import BaseModel

if TYPE_CHECKING:
    from ._state._records import RunRecord, StepRecord

__all__ = ["Component", "Executor", "StateStore", "StepCall", "StepContext", "StepInfo"]


@dataclass(frozen=True, slots=True)
class StepInfo:
    """Which step (and which fan-out item of it) is running, in which run."""

    run_id: str
    step: str
    component: str
    item: int | None = None

    @property
    def idempotency_key(self) -> str:
        """``run_id:step[:item]``: stable across retries and resumes, so components
        with side effects can deduplicate them."""
        if self.item is None:
            return f"{self.run_id}:{self.step}"
        return f"{self.run_id}:{self.step}:{self.item}"


@dataclass(slots=True)
class StepContext:
    """Passed to :meth:`Component.process` on every call.

    ``info`` says which step this is; ``attempt`` counts from 1 and grows with
    retries; ``extra`` is a per-call scratch mapping for components (the engine
    also records what a component puts under ``extra["usage"]`` on the step
    result, e.g. token counts).
    """

    info: StepInfo
    attempt: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self.info.run_id

    @property
    def step(self) -> str:
        """The step's name."""
        return self.info.step

    @property
    def item(self) -> int | None:
        """The fan-out item index, or ``None`` for a whole-input step."""
        return self.info.item

    @property
    def idempotency_key(self) -> str:
        """``run_id:step[:item]``; see :attr:`StepInfo.idempotency_key`."""
        return self.info.idempotency_key


@runtime_checkable
class Component(Protocol):
    """What a component type's factory returns.

    ``process`` may be ``async def`` (awaited on the event loop) or a plain
    function (run in a worker thread under a limiter, so CPU-bound work never
    blocks the loop). A component whose type ``emits="many"`` returns an
    iterable or async iterable of items.

    A component may also define ``async def aclose()`` (or a sync ``close()``),
    called once when its orchestrator closes.
    """

    def process(self, data: Any, ctx: StepContext) -> Any:
        """Process one input and return the output (or, for ``emits="many"``,
        the items)."""
        ...


@dataclass(slots=True)
class StepCall:
    """One call of a component, as handed to an :class:`Executor`.

    ``component`` is the pooled instance a local executor calls. An executor
    that runs calls elsewhere (another process, a Dask worker) declares
    ``remote = True``; it then gets ``component=None`` (no local instance is
    built or pooled for it) and rebuilds the component where it runs from
    ``component_type`` and ``options`` (the validated options model).
    ``emits_many`` says the result is an iterable of items that the executor
    should materialise into a list where the work runs.
    """

    component_type: str
    options: BaseModel
    component: Component | None
    data: Any
    ctx: StepContext
    emits_many: bool = False


@runtime_checkable
class Executor(Protocol):
    """Where step calls run, as built by an :class:`~orchestrion.ExecutorType` factory.

    ``call`` runs one component call and returns its output (a list for
    ``emits_many`` calls). It must let cancellation propagate and raise the
    component's own exception on failure. An executor may define
    ``async def aclose()``, called when its orchestrator closes, and
    ``bind(registry, records)``, called once after it is built with the
    orchestrator's registry and plugin records (by plugin name), so an executor
    that rebuilds components elsewhere knows which plugin provides each type.
    Its options come from the ``[engine.executors.NAME]`` table.
    """

    async def call(self, call: StepCall) -> Any:
        """Run ``call`` and return the component's output."""
        ...


@runtime_checkable
class StateStore(Protocol):
    """Where runs are persisted, as built by a :class:`~orchestrion.StateStoreType`
    factory (built in: ``memory`` and ``sqlite``).

    The engine calls :meth:`commit` with a batch of step results and starts no
    dependent of them before it returns, and calls :meth:`finish_run` last. A
    ``durable`` store receives every output pre-encoded as JSON
    (``StepRecord.output_json``); a step whose output cannot be encoded fails.
    Methods may block briefly (they are called with small batches); a store
    raises :class:`~orchestrion.exceptions.StateError` when it cannot be used
    and :class:`~orchestrion.exceptions.RunLeaseError` when another live
    process owns a run.
    """

    #: Whether records outlive the process (outputs are then stored as JSON).
    durable: bool
    #: Seconds an ownership lease lasts without renewal (``None``: no expiry).
    lease_ttl: float | None

    async def begin_run(self, run: RunRecord, owner: str) -> None:
        """Record a new run and give ``owner`` its lease."""
        ...

    async def acquire(self, run_id: str, owner: str) -> None:
        """Take the lease of an existing run (for resume) and mark it running."""
        ...

    async def renew(self, run_id: str, owner: str) -> None:
        """Extend ``owner``'s lease (the heartbeat)."""
        ...

    async def release(self, run_id: str, owner: str) -> None:
        """Give up ``owner``'s lease."""
        ...

    async def commit(self, run_id: str, steps: Sequence[StepRecord]) -> None:
        """Store step results atomically (all or none of the batch)."""
        ...

    async def finish_run(
        self, run_id: str, status: str, finished_at: datetime, summary: dict[str, Any]
    ) -> None:
        """Record the final status (always the run's last write)."""
        ...

    async def get_run(self, run_id: str) -> RunRecord | None:
        """The run, or ``None``."""
        ...

    async def get_steps(self, run_id: str) -> list[StepRecord]:
        """The committed step results of a run, in commit order."""
        ...

    async def list_runs(
        self, *, status: str | None = None, limit: int | None = None
    ) -> list[RunRecord]:
        """Runs, newest first."""
        ...

    async def prune(self, older_than: datetime) -> int:
        """Delete finished runs created before ``older_than``; how many."""
        ...

    async def aclose(self) -> None:
        """Release the store's resources."""
        ...
