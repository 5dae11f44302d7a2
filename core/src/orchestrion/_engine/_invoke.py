"""The one seam where a step's component is called.

The scheduler calls :func:`invoke` once per step (or fan-out item) and knows
nothing of how the call is made: resilience (timeout, breaker, retry,
fallback: the node's :class:`~orchestrion._resilience.PolicyRunner`) wraps the
call here, and the executor decides where it runs.

The success path of the default policy (retries and a breaker, no attempt
timeout) is kept cheap: the first attempt runs inline through the breaker,
whose bookkeeping never awaits, and the retry machinery is entered only after
a first failure (:meth:`PolicyRunner.recover`).
"""

from __future__ import annotations

from time import monotonic, perf_counter
from typing import Any

from .._resilience._apply import Outcome, RetryObserver
from ..exceptions import CircuitOpenError
from ..protocols import StepCall, StepContext, StepInfo
from ._plan import Node
from ._results import Rec

__all__ = ["Degraded", "invoke"]


class Degraded:
    """Wraps an output that is not the component's own (a fallback's): the step
    is recorded ``degraded``, never ``succeeded``."""

    __slots__ = ("reason", "value")

    def __init__(self, value: Any, reason: str) -> None:
        self.value = value
        self.reason = reason


async def _attempt(node: Node, data: Any, ctx: StepContext, rec: Rec) -> Any:
    """One call of ``node``'s component: an instance from its pool (its id
    recorded on ``rec``), the executor, the instance released. A remote
    executor gets no instance: it rebuilds the component where it runs, so
    neither the factory nor the pool bound applies here."""
    if node.remote:
        out = await node.executor.call(
            StepCall(node.ctype.name, node.options, None, data, ctx, node.emits_many)
        )
        if node.emits_many and type(out) is not list:
            out = [x async for x in out] if hasattr(out, "__aiter__") else list(out)
        return out
    pool = node.pool
    idle = pool.idle
    if idle:  # the common case, inlined: a free instance is waiting
        inst = idle.pop()
        inst.busy += 1
    else:
        inst = await pool.acquire()
    rec.instance = inst.id
    try:
        if node.direct and inst.is_async:
            out = await inst.component.process(data, ctx)
        else:
            call = StepCall(
                node.ctype.name, node.options, inst.component, data, ctx, node.emits_many
            )
            out = await node.executor.call(call)
        if node.emits_many and type(out) is not list:
            out = [x async for x in out] if hasattr(out, "__aiter__") else list(out)
        return out
    finally:
        pool.release(inst)


async def _alternative(node: Node, name: str, data: Any, ctx: StepContext, rec: Rec) -> Any:
    """Run fallback component type ``name`` of ``node`` on ``data`` (one call,
    its default options, the step's executor)."""
    alt = node.alternatives[name]
    info = ctx.info
    # Its own context (its type, attempt 1), sharing ``extra`` so usage adds up.
    alt_ctx = StepContext(StepInfo(info.run_id, info.step, name, info.item), 1, ctx.extra)
    many = alt.ctype.emits == "many"
    if node.remote:
        out = await node.executor.call(StepCall(name, alt.options, None, data, alt_ctx, many))
        if many and type(out) is not list:
            out = [x async for x in out] if hasattr(out, "__aiter__") else list(out)
        return out
    inst = await alt.pool.acquire()
    rec.instance = inst.id
    try:
        call = StepCall(name, alt.options, inst.component, data, alt_ctx, many)
        out = await node.executor.call(call)
        if many and type(out) is not list:
            out = [x async for x in out] if hasattr(out, "__aiter__") else list(out)
        return out
    finally:
        alt.pool.release(inst)


async def invoke(
    node: Node, data: Any, ctx: StepContext, rec: Rec, on_retry: RetryObserver | None = None
) -> Any:
    """Run ``node``'s component on ``data`` under its policy and return its
    output (a list for a type that emits many), or a :class:`Degraded` wrapper
    when a fallback answered.

    Records the instance id, the failure records, the fallback and any
    ``ctx.extra["usage"]`` on ``rec``; ``ctx.attempt`` ends as the number of
    attempts made. A step that failed for good raises its last error;
    cancellation propagates unchanged (never retried, never counted by the
    breaker, never handed to a fallback). ``on_retry`` is told about each retry.
    """
    runner = node.runner
    try:
        if not runner.inline:  # an attempt timeout: the runner does it all
            outcome = await runner.run(
                _Call(node, data, ctx, rec),
                step=ctx.info,
                data=data,
                alternative=_Alternatives(node, data, ctx, rec),
                plugins=node.fallback_hooks,
                on_retry=on_retry,
            )
            return _settle(outcome, ctx, rec)
        # Attempt 1 inline: see the module docstring.
        breaker = runner.breaker
        if breaker is None:
            try:
                return await _attempt(node, data, ctx, rec)
            except Exception as exc:
                first: Exception = exc
        else:
            try:
                permit = breaker.acquire()
            except CircuitOpenError as exc:
                first = exc
            else:
                try:
                    out = await _attempt(node, data, ctx, rec)
                except BaseException as exc:
                    breaker.on_result(permit, exc)
                    if not isinstance(exc, Exception):
                        raise
                    first = exc
                else:
                    breaker.on_result(permit)
                    return out
        # When attempt 1 started, on the clock the retry budget uses.
        start = monotonic() - (perf_counter() - rec.start) if rec.start is not None else monotonic()
        outcome = await runner.recover(
            _Call(node, data, ctx, rec),
            first,
            start=start,
            step=ctx.info,
            data=data,
            alternative=_Alternatives(node, data, ctx, rec),
            plugins=node.fallback_hooks,
            on_retry=on_retry,
        )
        return _settle(outcome, ctx, rec)
    finally:
        extra = ctx.extra
        if extra:
            usage = extra.get("usage")
            if isinstance(usage, dict):
                rec.usage = usage


class _Call:
    """``call(attempt)`` for the runner: one attempt with ``ctx.attempt`` set."""

    __slots__ = ("ctx", "data", "node", "rec")

    def __init__(self, node: Node, data: Any, ctx: StepContext, rec: Rec) -> None:
        self.node = node
        self.data = data
        self.ctx = ctx
        self.rec = rec

    async def __call__(self, attempt: int) -> Any:
        self.ctx.attempt = attempt
        return await _attempt(self.node, self.data, self.ctx, self.rec)


class _Alternatives:
    """``alternative(name)`` for the runner: a fallback type on the same data."""

    __slots__ = ("ctx", "data", "node", "rec")

    def __init__(self, node: Node, data: Any, ctx: StepContext, rec: Rec) -> None:
        self.node = node
        self.data = data
        self.ctx = ctx
        self.rec = rec

    async def __call__(self, name: str) -> Any:
        return await _alternative(self.node, name, self.data, self.ctx, self.rec)


def _settle(outcome: Outcome, ctx: StepContext, rec: Rec) -> Any:
    """The step's output from the runner's :class:`Outcome` (or its error raised)."""
    ctx.attempt = outcome.attempts
    rec.failures = outcome.failures
    if outcome.status == "succeeded":
        return outcome.value
    error = outcome.error
    assert error is not None  # the runner sets it whenever it did not simply succeed
    if outcome.status == "degraded":
        rec.error = error
        rec.fallback = outcome.fallback
        return Degraded(outcome.value, f"{outcome.fallback} after {type(error).__name__}")
    raise error
