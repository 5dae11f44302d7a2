"""The journal: how a run's results reach its state store, in order.

The scheduler hands every finished unit (a step, or one fan-out item) to
:meth:`Journal.done` instead of releasing its dependents itself. The journal
keeps the unit's record in a pending batch and releases the unit's
dependents only after the batch is committed — so a result is durable before
anything that depends on it starts. A batch is committed by whoever gets
there first:

* the worker itself, when it runs out of ready units (a chain: one commit per
  step, no task switch);
* the journal's writer task, which the scheduler's event loop runs whenever
  workers yield — when a component awaits I/O, or at the scheduler's periodic
  checkpoint (a fan-out: up to ``CHECKPOINT_EVERY`` items per commit).

On resume, units with a committed result are not called: :meth:`restore`
hands the stored outcome back to the scheduler, which releases it at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from time import perf_counter
from typing import TYPE_CHECKING, Any

import anyio
from pydantic_core import PydanticSerializationError, to_json

from .._engine._scheduler import FAILED, MISSING
from ..exceptions import PermanentError, RunLeaseError, StateError
from ._records import RunRecord, StepRecord, error_of

if TYPE_CHECKING:
    from .._engine._plan import Node
    from .._engine._results import Rec, RunResult
    from .._engine._scheduler import RunState
    from ..protocols import StateStore

__all__ = ["Journal"]


class Journal:
    """Writes one run to a state store and replays what a resumed run has."""

    def __init__(
        self,
        store: StateStore,
        run: RunRecord,
        owner: str,
        *,
        resumed: bool = False,
        replay: Mapping[tuple[str, int | None], StepRecord] | None = None,
    ) -> None:
        self.store = store
        self.run = run
        self.run_id = run.run_id
        self.owner = owner
        self.resumed = resumed
        self.encode = store.durable
        # A store that commits without blocking (memory) is written inline and
        # its units released at once, as if there were no store.
        self.direct = getattr(store, "commit_nowait", None)
        #: Whether the scheduler must run :meth:`writer` (batches or a heartbeat).
        self.needs_writer = self.direct is None or bool(store.lease_ttl)
        self._replay_by_name = dict(replay or {})
        self.replay: dict[int, StepRecord] = {}
        self.restored: set[int] = set()
        self.pending: list[tuple[int, bool, StepRecord]] = []
        self._wakeup = anyio.Event()
        self._sleeping = False
        self._state: RunState | None = None
        self._leased = False
        self._lost = False  # the lease was taken over: write nothing more

    # -- life cycle (called by the engine) ----------------------------------------------

    async def begin(self, state: RunState) -> None:
        """Attach to ``state``, record the run (or take it back) and its lease."""
        self._state = state
        n = state.n
        by_name = state.plan.by_name
        for (name, item), record in self._replay_by_name.items():
            index = by_name.get(name)
            if index is not None:  # a step --force dropped from the workflow
                self.replay[index if item is None else n * (item + 1) + index] = record
        state.journal = self
        state.replay = self if self.replay else None
        if self.resumed:
            await self.store.acquire(self.run_id, self.owner)
        else:
            await self.store.begin_run(self.run, self.owner)
        self._leased = True

    async def drain(self) -> None:
        """After the scheduler returned: commit and release what is pending
        (results that finished as the run stopped), so the result counts them."""
        while self.pending:
            await self.flush()

    async def end(self, result: RunResult) -> None:
        """Commit the final status (the run's last write) and release the lease."""
        summary = result.model_dump(
            mode="json", include={"totals", "cancelled_by", "duration", "started_at"}
        )
        await self.store.finish_run(self.run_id, result.status, result.finished_at, summary)
        await self._release_lease()

    async def abort(self) -> None:
        """The run was interrupted (cancelled from outside, or the store failed):
        keep it ``running`` so it can be resumed, and give up the lease. After
        losing the lease to another process, write nothing more."""
        if self._lost:
            return
        with anyio.CancelScope(shield=True):
            try:
                await self.drain()
            finally:
                await self._release_lease()

    @staticmethod
    def state_error(exc: BaseException) -> StateError | None:
        """The :class:`StateError` that stopped a run, out of the task groups'
        exception groups (``None`` when something else stopped it)."""
        while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
            exc = exc.exceptions[0]
        return exc if isinstance(exc, StateError) else None

    async def _release_lease(self) -> None:
        if self._leased:
            self._leased = False
            await self.store.release(self.run_id, self.owner)

    # -- the hot path (called by the scheduler) -----------------------------------------

    def restore(self, node: Node, item: int | None, rec: Rec) -> Any:
        """The stored outcome of a unit (recorded on ``rec``), or :data:`MISSING`."""
        state = self._state
        assert state is not None
        unit = node.index if item is None else state.n * (item + 1) + node.index
        stored = self.replay.pop(unit, None)
        if stored is None:
            return MISSING
        self.restored.add(unit)
        now = perf_counter()
        rec.start = now
        rec.end = now + (stored.duration or 0.0)
        rec.attempts = stored.attempts
        rec.instance = stored.instance
        rec.reason = stored.reason
        if stored.status == "failed":
            rec.status = "failed"
            rec.error = error_of(stored.error_type or "Exception", stored.error_message or "")
            return FAILED
        rec.status = "degraded" if stored.status == "degraded" else "succeeded"
        return stored.output

    def done(self, unit: int, out: Any) -> None:
        """Unit ``unit`` returned ``out`` (or ``FAILED``): record it, and release
        its dependents once the record is committed."""
        state = self._state
        assert state is not None
        n = state.n
        if unit < n:
            index, item, rec = unit, None, state.recs[unit]
        else:
            index, item = unit % n, unit // n - 1
            rec = state.item_recs[index][item]  # type: ignore[index]
        if self.restored and unit in self.restored:  # committed already
            self.restored.discard(unit)
            ok = out is not FAILED
            if ok and item is None:
                state.outputs[index] = out
            elif ok:
                state.outputs[index][item] = out
            self._release([(unit, ok, None)], wake=False)  # type: ignore[list-item]
            return
        node = state.nodes[index]
        ok = out is not FAILED
        data: bytes | None = None
        if ok and self.encode:
            try:
                data = to_json(out)
            except (PydanticSerializationError, ValueError, TypeError) as exc:
                ok = False
                where = node.name if item is None else f"{node.name}[{item}]"
                msg = (
                    f"step {where!r}: its output of type {type(out).__qualname__} cannot be "
                    f"stored as JSON ({str(exc).splitlines()[0]}); return JSON-compatible data "
                    "(dicts, lists, str, numbers, pydantic models) or use the memory state store"
                )
                rec.status = "failed"
                rec.error = PermanentError(msg, step=node.name, component=node.ctype.name)
                if node.fail_fast:
                    state._stop("fail_fast")
        if ok:
            if item is None:
                state.outputs[index] = out
            else:
                state.outputs[index][item] = out
            record = StepRecord(
                node.name,
                item,
                rec.status,
                out,
                data,
                None,
                None,
                rec.attempts,
                None if rec.start is None or rec.end is None else rec.end - rec.start,
                rec.instance,
                rec.reason,
            )
        else:
            error = rec.error
            record = StepRecord(
                node.name,
                item,
                "failed",
                None,
                None,
                None if error is None else type(error).__qualname__,
                None if error is None else str(error),
                rec.attempts,
                None if rec.start is None or rec.end is None else rec.end - rec.start,
                rec.instance,
                None,
            )
        if self.direct is not None:
            self.direct(self.run_id, (record,))
            if item is None and (ok or not state.stopping):
                state._complete(unit, ok)  # the scheduler's own step, inline
            else:
                self._release([(unit, ok, record)], wake=False)
            return
        self.pending.append((unit, ok, record))
        if self._sleeping:
            self._sleeping = False
            self._wakeup.set()

    async def flush(self) -> None:
        """Commit the pending batch, then release its units' dependents."""
        batch = self.pending
        if not batch:
            return
        self.pending = []
        await self.store.commit(self.run_id, [record for _, _, record in batch])
        self._release(batch)

    def _release(self, batch: list[tuple[int, bool, StepRecord]], *, wake: bool = True) -> None:
        """What the scheduler itself does when a unit finishes (see
        ``RunState.worker``), then (``wake``) wake workers for the units now
        ready; a worker releasing its own unit takes the next one itself."""
        state = self._state
        assert state is not None
        n = state.n
        stopping = state.stopping
        for unit, ok, _ in batch:
            if unit < n:
                if ok or not stopping:
                    state._complete(unit, ok)
                continue
            index, item = unit % n, unit // n - 1
            if ok:
                if state.item_recs[index][item].status == "degraded":  # type: ignore[index]
                    state.degraded_items[index] += 1
                state._item_done(index, item, True)
            else:
                state.failed_items[index] += 1
                if not stopping:
                    state._item_done(index, item, False)
        if state.remaining == 0 or state.stopping:
            self.stop_writer()
        elif wake:
            self._wake_workers(state)

    @staticmethod
    def _wake_workers(state: RunState) -> None:
        # Like RunState._help, but the caller is not a worker about to take a
        # unit itself: one worker per ready unit.
        extra = len(state.ready) - state.waking
        idle = state.idle
        while extra > 0 and idle:
            state.waking += 1
            idle.pop().set()
            extra -= 1
        spawn = min(extra, state.limit - state.workers)
        if spawn > 0 and state.tg is not None:
            state.workers += spawn
            state.waking += spawn
            for _ in range(spawn):
                state.tg.start_soon(state.worker, True)

    # -- the writer task -----------------------------------------------------------------

    def stop_writer(self) -> None:
        """Let the writer task return (the run is over)."""
        self._sleeping = False
        self._wakeup.set()

    async def writer(self) -> None:
        """Commit batches while the workers are busy; renew the lease."""
        state = self._state
        assert state is not None
        async with anyio.create_task_group() as tg:
            ttl = self.store.lease_ttl
            if ttl:
                tg.start_soon(self._heartbeat, ttl / 3)
            while not (state.remaining == 0 or state.stopping):
                if self.pending:
                    await self.flush()
                    continue
                self._wakeup = anyio.Event()
                self._sleeping = True
                await self._wakeup.wait()
            tg.cancel_scope.cancel()

    async def _heartbeat(self, every: float) -> None:
        while True:
            await anyio.sleep(every)
            try:
                await self.store.renew(self.run_id, self.owner)
            except RunLeaseError:
                self._lost = True
                raise
