"""The scheduler: runs a plan, each step the moment its own dependencies finish.

No task per step (DESIGN §6). Work is a queue of ready *units* (a step, or one
fan-out item of a per-item step) served by a few worker tasks. A worker that
finishes a unit releases its successors and takes the next unit itself, so a
chain runs inline in one task; a worker is woken or spawned only when more
than one unit is ready, and never more than the run's concurrency limit, which
is therefore enforced for free. Workers yield to the event loop at least every
:data:`CHECKPOINT_EVERY` units so cancellation and other tasks get a turn even
when components never await.

Units are ints: a step's index ``i`` (``0 <= i < n``), or ``n * (item + 1) + i``
for item ``item`` of per-item step ``i``.
"""

from __future__ import annotations

from collections import deque
from time import perf_counter
from typing import TYPE_CHECKING, Any

import anyio
from anyio.abc import TaskGroup
from anyio.lowlevel import checkpoint

from ..protocols import StepContext, StepInfo
from ._invoke import Degraded, invoke
from ._plan import K_ITEM, K_ONE, K_ROOT, Node, Plan
from ._results import CancelledBy, Rec

if TYPE_CHECKING:
    from .._events._run_events import RunEvents
    from .._state._journal import Journal

__all__ = ["CHECKPOINT_EVERY", "RunState", "execute"]

#: A worker yields to the event loop after this many units without a pause.
CHECKPOINT_EVERY = 32

#: What :meth:`RunState._call` returns for a failed unit (an output may be None).
FAILED: Any = object()

#: What ``Journal.restore`` returns for a unit with no stored result.
MISSING: Any = object()


class RunState:
    """The mutable state of one run; ``_finish`` turns it into a result."""

    def __init__(
        self,
        plan: Plan,
        data: Any,
        run_id: str,
        concurrency: int,
        limiters: dict[str, anyio.CapacityLimiter],
    ) -> None:
        nodes = plan.nodes
        n = len(nodes)
        self.plan = plan
        self.nodes = nodes
        self.n = n
        self.data = data
        self.run_id = run_id
        self.limit = concurrency
        self.limiters = limiters
        self.outputs: list[Any] = [None] * n
        self.recs = [Rec() for _ in range(n)]
        self.pending = [node.whole_deps for node in nodes]
        self.poisoned = [False] * n
        self.completed = [False] * n
        # Per-item bookkeeping, filled when the fan-out root finishes.
        self.n_items = [-1] * n
        self.item_recs: list[list[Rec] | None] = [None] * n
        self.item_pending: list[list[int] | None] = [None] * n
        self.item_poison: list[set[int] | None] = [None] * n
        self.item_deps_left = [node.item_deps for node in nodes]
        self.done_items = [0] * n
        self.failed_items = [0] * n
        self.skipped_items = [0] * n
        self.degraded_items = [0] * n
        self.remaining = n
        self.ready: deque[int] = deque(plan.roots)
        self.workers = 1
        # One event per idle worker, so a ready unit wakes one worker, not all.
        self.idle: list[anyio.Event] = []
        self.waking = 0  # workers woken that have not taken a unit yet
        self.stopping = False
        self.cancelled_by: CancelledBy | None = None
        self.cancelled_exc = anyio.get_cancelled_exc_class()
        self.tg: TaskGroup | None = None
        # Durable state (issue 7): results go through the journal, which
        # releases dependents once committed; ``replay`` serves a resume.
        self.journal: Journal | None = None
        self.replay: Journal | None = None
        # Events (issue 8): this run's lifecycle publisher; None when no
        # handler listens, so a run nobody watches pays one test per step.
        self.events: RunEvents | None = None

    # -- workers ---------------------------------------------------------------

    async def worker(self, spawned: bool = False) -> None:
        """Serve ready units until the run is complete or stopping; a
        ``spawned`` worker was counted as waking by :meth:`_help`.

        The hot loop: a whole step's input and context are prepared inline
        here rather than in a helper coroutine, one frame less per step.
        """
        ready = self.ready
        n = self.n
        nodes = self.nodes
        outputs = self.outputs
        recs = self.recs
        poisoned = self.poisoned
        run_id = self.run_id
        journal = self.journal
        streak = 0
        if spawned:
            self.waking -= 1
        while True:
            if ready and not self.stopping:
                if len(ready) > 1 + self.waking and (self.idle or self.workers < self.limit):
                    self._help()
                unit = ready.popleft()
                streak += 1
                if streak >= CHECKPOINT_EVERY:
                    streak = 0
                    await checkpoint()
                if unit >= n:  # one fan-out item of a per-item step
                    index = unit % n
                    item = unit // n - 1
                    poison = self.item_poison[index]
                    if poisoned[index] or (poison is not None and item in poison):
                        self.skipped_items[index] += 1
                        self._item_done(index, item, False)
                        continue
                    node = nodes[index]
                    if node.kind == K_ITEM:
                        data = outputs[node.source][item]
                    else:
                        data = {
                            name: outputs[d][item] if is_item else outputs[d]
                            for name, d, is_item in node.inputs
                        }
                    rec = self.item_recs[index][item]  # type: ignore[index]
                    ctx = StepContext(StepInfo(run_id, node.name, node.ctype.name, item))
                    out = await self._call(node, data, ctx, rec)
                    if journal is not None:
                        journal.done(unit, out)
                    elif out is not FAILED:
                        outputs[index][item] = out
                        if rec.status == "degraded":
                            self.degraded_items[index] += 1
                        self._item_done(index, item, True)
                    else:
                        self.failed_items[index] += 1
                        if not self.stopping:
                            self._item_done(index, item, False)
                    continue
                if poisoned[unit]:
                    self._complete(unit, False)
                    continue
                node = nodes[unit]
                kind = node.kind
                if kind == K_ONE:
                    data = outputs[node.deps[0]]
                elif kind == K_ROOT:
                    data = self.data
                else:
                    data = {name: outputs[d] for name, d, _ in node.inputs}
                ctx = StepContext(StepInfo(run_id, node.name, node.ctype.name))
                out = await self._call(node, data, ctx, recs[unit])
                if journal is not None:
                    journal.done(unit, out)
                elif out is not FAILED:
                    outputs[unit] = out
                    self._complete(unit, True)
                elif not self.stopping:
                    self._complete(unit, False)
            elif journal is not None and journal.pending:
                await journal.flush()  # before idling: commit, release dependents
            elif self.remaining == 0 or self.stopping:
                return
            else:
                streak = 0
                event = anyio.Event()
                self.idle.append(event)
                try:
                    await event.wait()
                finally:
                    if event.is_set():
                        self.waking -= 1
                    else:  # cancelled while idle
                        self.idle.remove(event)

    def _help(self) -> None:
        """More units are ready than workers about to take them: wake idle
        workers, one per unit, then spawn more if the limit allows."""
        extra = len(self.ready) - 1 - self.waking
        idle = self.idle
        while extra > 0 and idle:
            self.waking += 1
            idle.pop().set()
            extra -= 1
        spawn = min(extra, self.limit - self.workers)
        if spawn > 0:
            assert self.tg is not None
            self.workers += spawn
            self.waking += spawn
            for _ in range(spawn):
                self.tg.start_soon(self.worker, True)

    def _wake_all(self) -> None:
        """The run is over (or stopping): let every idle worker return."""
        idle, self.idle = self.idle, []
        self.waking += len(idle)
        for event in idle:
            event.set()

    # -- running units -----------------------------------------------------------

    async def _call(self, node: Node, data: Any, ctx: StepContext, rec: Rec) -> Any:
        """Invoke one unit: its output, or :data:`FAILED` (recorded on ``rec``).
        Cancellation is recorded and re-raised."""
        if self.replay is not None:  # a resume: a committed result is not redone
            out = self.replay.restore(node, ctx.info.item, rec)
            if out is not MISSING:
                if out is FAILED and node.fail_fast:
                    self._stop("fail_fast")
                return out
        events = self.events  # issue 8: lifecycle events (None: nobody listens)
        if events is not None:
            await events.step_started(step=node.name, component=node.ctype.name, item=ctx.info.item)
        on_retry = None if events is None else events.on_retry
        rec.start = perf_counter()
        try:
            if node.limited:
                async with self.limiters[node.ctype.name]:
                    out = await invoke(node, data, ctx, rec, on_retry)
            else:
                out = await invoke(node, data, ctx, rec, on_retry)
        except Exception as exc:
            rec.end = perf_counter()
            rec.attempts = ctx.attempt
            rec.status = "failed"
            rec.error = exc
            if events is not None:  # before a fail-fast stop cancels this task
                await events.step_failed(
                    step=node.name,
                    component=node.ctype.name,
                    attempt=ctx.attempt,
                    duration=rec.end - rec.start,
                    error=exc,
                    item=ctx.info.item,
                )
            if node.fail_fast:
                self._stop("fail_fast")
            return FAILED
        except BaseException:
            rec.end = perf_counter()
            rec.attempts = ctx.attempt
            rec.status = "cancelled"
            raise
        rec.end = perf_counter()
        rec.attempts = ctx.attempt
        if type(out) is Degraded:
            rec.status = "degraded"
            rec.reason = out.reason
            if events is not None:
                await events.step_degraded(
                    step=node.name,
                    component=node.ctype.name,
                    error=rec.error if rec.error is not None else out.reason,
                    fallback=rec.fallback,
                    item=ctx.info.item,
                )
            return out.value
        rec.status = "succeeded"
        if events is not None:
            await events.step_succeeded(
                step=node.name,
                component=node.ctype.name,
                attempt=ctx.attempt,
                duration=rec.end - rec.start,
                output=out,
                item=ctx.info.item,
            )
        return out

    # -- completion --------------------------------------------------------------

    def _stop(self, why: CancelledBy) -> None:
        """Fail fast: cancel everything in flight, start nothing more."""
        if self.stopping:
            return
        self.stopping = True
        self.cancelled_by = why
        assert self.tg is not None
        self.tg.cancel_scope.cancel()
        self._wake_all()

    def _complete(self, index: int, ok: bool) -> None:
        """Step ``index`` finished as a whole: release or poison its successors."""
        self.completed[index] = True
        self.remaining -= 1
        node = self.nodes[index]
        if node.lane_nodes:
            self._start_lane(index, ok)
        pending = self.pending
        for succ in node.whole_succ:
            if not ok:
                self.poisoned[succ] = True
            left = pending[succ] - 1
            pending[succ] = left
            if left == 0:
                self._open(succ)
        for succ in node.item_succ:
            self.item_deps_left[succ] -= 1
            self._maybe_finish_items(succ)
        if self.remaining == 0:
            self._wake_all()

    def _open(self, index: int) -> None:
        """All whole dependencies of ``index`` finished."""
        if not self.nodes[index].per_item:
            self.ready.append(index)
            return
        count = self.n_items[index]
        if count < 0:
            return  # its fan-out root has not finished; items come from item deps
        item_pending = self.item_pending[index]
        assert item_pending is not None
        base = index + self.n
        n = self.n
        self.ready.extend(base + n * i for i in range(count) if item_pending[i] == 0)
        self._maybe_finish_items(index)

    def _start_lane(self, root: int, ok: bool) -> None:
        """Fan-out root ``root`` finished: size the per-item steps of its lane."""
        items = self.outputs[root] if ok else []
        count = len(items)
        nodes = self.nodes
        for index in nodes[root].lane_nodes:
            self.n_items[index] = count
            self.item_recs[index] = [Rec() for _ in range(count)]
            self.outputs[index] = [None] * count
            self.item_pending[index] = [nodes[index].item_deps] * count
            if not ok:
                self.poisoned[index] = True

    def _item_done(self, index: int, item: int, ok: bool) -> None:
        self.done_items[index] += 1
        n = self.n
        opened = self.pending
        for succ in self.nodes[index].item_succ:
            if not ok:
                poison = self.item_poison[succ]
                if poison is None:
                    poison = self.item_poison[succ] = set()
                poison.add(item)
            item_pending = self.item_pending[succ]
            assert item_pending is not None
            left = item_pending[item] - 1
            item_pending[item] = left
            if left == 0 and opened[succ] == 0:
                self.ready.append(n * (item + 1) + succ)
        if self.done_items[index] == self.n_items[index]:
            self._maybe_finish_items(index)

    def _maybe_finish_items(self, index: int) -> None:
        """Complete per-item step ``index`` once all its items and deps are done."""
        if (
            self.completed[index]
            or self.pending[index]
            or self.item_deps_left[index]
            or self.n_items[index] < 0
            or self.done_items[index] != self.n_items[index]
        ):
            return
        rec = self.recs[index]
        if self.failed_items[index]:
            rec.status = "failed"
        elif self.skipped_items[index] or (self.poisoned[index] and not self.n_items[index]):
            rec.status = "skipped"
        elif self.degraded_items[index]:
            rec.status = "degraded"
        else:
            rec.status = "succeeded"
        self._complete(index, rec.status in ("succeeded", "degraded"))


async def execute(state: RunState, deadline: float | None) -> None:
    """Run ``state`` to completion, a deadline, or fail-fast. The caller's own
    cancellation propagates (after in-flight units are recorded cancelled)."""
    scope = anyio.CancelScope()
    if deadline is not None:
        scope.deadline = anyio.current_time() + deadline
    with scope:
        async with anyio.create_task_group() as tg:
            state.tg = tg
            if state.journal is not None and state.journal.needs_writer:
                tg.start_soon(state.journal.writer)
            await state.worker()
            if state.journal is not None:
                state.journal.stop_writer()
    if scope.cancelled_caught and state.cancelled_by is None:
        state.cancelled_by = "deadline"
