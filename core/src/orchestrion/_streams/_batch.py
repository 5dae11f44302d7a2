"""The batched fast path of a stream (``batch=N``): a linear workflow's
components called directly, many records per trip.

An engine run costs tens of microseconds before any component runs, and a
synchronous component's call goes to a worker thread (another ≈ 70 µs). For
cheap per-record steps (parse, validate) that is most of the time, so with
``batch`` the stream instead takes up to N records at once, checks out one
instance of each step's component from the engine's pools, and runs every
record of the batch through the steps in order: in one worker-thread trip
when all the components are synchronous, else on the event loop.

What this skips, and why it is opt-in: per-record resilience policies
(retries, breakers, timeouts, fallbacks), lifecycle events and health records.
A record whose step raises still fails alone (dead-lettered, the stream goes
on). Only a chain of single steps on the ``local`` executor qualifies.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from time import perf_counter
from typing import TYPE_CHECKING, Any

import anyio.lowlevel

from ..exceptions import ConfigError
from ..protocols import StepContext, StepInfo
from ._result import FAILED, OK, StreamResult

if TYPE_CHECKING:
    from .._engine._engine import WorkflowLike
    from .._engine._plan import Node
    from .._orchestrator import Orchestrator

__all__ = ["BatchHandler", "make_batch_handler"]

#: Processes ``(offset, record)`` pairs into their results, in the same order.
BatchHandler = Callable[[Sequence[tuple[int, Any]]], Awaitable[list[StreamResult]]]


def _chain(orch: Orchestrator, workflow: WorkflowLike) -> list[Node]:
    from .._engine._plan import K_ONE, K_ROOT

    wf = orch.validate(workflow)
    plan = orch.engine.plan(wf)
    for i, node in enumerate(plan.nodes):
        linear = node.kind == K_ROOT if i == 0 else node.kind == K_ONE and node.deps == (i - 1,)
        if not linear or node.emits_many or node.per_item or node.remote or not node.direct:
            msg = (
                f"batch= needs a workflow that is a chain of single steps on the local "
                f"executor, but step {node.name!r} of {wf.name!r} is not (a fan-out, a "
                f"gather, several dependencies or another executor); leave batch unset"
            )
            raise ConfigError(msg, key=f"steps.{node.name}")
    return plan.nodes


def _run_records(
    calls: Sequence[tuple[Callable[..., Any], StepContext]],
    decode: Callable[[Any], Any] | None,
    records: Sequence[tuple[int, Any]],
) -> list[StreamResult]:
    out: list[StreamResult] = []
    append = out.append
    for offset, record in records:
        t0 = perf_counter()
        try:
            data = record if decode is None else decode(record)
            for process, ctx in calls:
                data = process(data, ctx)
        except Exception as exc:  # this record fails alone
            append(
                StreamResult(
                    offset,
                    FAILED,
                    error_type=type(exc).__qualname__,
                    error=str(exc),
                    record=record,
                    latency=perf_counter() - t0,
                )
            )
            continue
        append(StreamResult(offset, OK, data, latency=perf_counter() - t0))
    return out


async def _run_records_async(
    calls: Sequence[tuple[Callable[..., Any], StepContext]],
    decode: Callable[[Any], Any] | None,
    records: Sequence[tuple[int, Any]],
) -> list[StreamResult]:
    out: list[StreamResult] = []
    for offset, record in records:
        t0 = perf_counter()
        try:
            data = record if decode is None else decode(record)
            for process, ctx in calls:
                data = process(data, ctx)
                if inspect.isawaitable(data):
                    data = await data
        except Exception as exc:  # this record fails alone
            out.append(
                StreamResult(
                    offset,
                    FAILED,
                    error_type=type(exc).__qualname__,
                    error=str(exc),
                    record=record,
                    latency=perf_counter() - t0,
                )
            )
            continue
        out.append(StreamResult(offset, OK, data, latency=perf_counter() - t0))
    return out


def make_batch_handler(
    orch: Orchestrator, workflow: WorkflowLike, name: str, decode: Callable[[Any], Any] | None
) -> BatchHandler:
    """The batch handler of stream ``name`` over ``workflow``.

    :raises ConfigError: when the workflow is not a chain of single local steps.
    """
    nodes = _chain(orch, workflow)

    async def handle(records: Sequence[tuple[int, Any]]) -> list[StreamResult]:
        run_id = f"{name}:{records[0][0]}"  # one context per step and batch
        instances = [await node.pool.acquire() for node in nodes]
        try:
            calls = [
                (inst.component.process, StepContext(StepInfo(run_id, node.name, node.ctype.name)))
                for node, inst in zip(nodes, instances, strict=True)
            ]
            if any(inst.is_async or inst.is_asyncgen for inst in instances):
                return await _run_records_async(calls, decode, records)
            # Inline, not in a worker thread: the fast path is for cheap steps, and
            # threads contending for the GIL with the loop measured 2x slower.
            out = _run_records(calls, decode, records)
            await anyio.lowlevel.checkpoint()
            return out
        finally:
            for node, inst in zip(nodes, instances, strict=True):
                node.pool.release(inst)

    return handle
