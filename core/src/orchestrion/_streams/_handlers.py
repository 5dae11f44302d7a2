"""How a stream processes one record: through a given workflow, or routed.

Records are run by the engine like any run, with one difference: they are not
journaled in the state store. A stream's durable state is its checkpointed
offset (``_offsets``); recording every record as a resumable run would grow
the store by one run per record and defeat flat memory.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import TYPE_CHECKING, Any

from ._result import FAILED, OK, StreamResult

if TYPE_CHECKING:
    from .._engine._engine import WorkflowLike
    from .._engine._model import Workflow
    from .._engine._results import RunResult
    from .._orchestrator import Orchestrator
    from .._routing._route import Route

__all__ = ["Handler", "make_handler"]

#: Processes the record at an offset into its result; never raises for a bad record.
Handler = Callable[[int, Any], Awaitable[StreamResult]]

# Routes are cached by data profile, so a stream meets a handful of them; the
# assembled workflow of each is kept (bounded, in case profiles keep changing).
_ROUTE_CACHE = 256


class _NoJournal:
    """The journal of a stream record's run: records nothing (see module doc)."""

    async def begin(self, state: Any) -> None:
        """Nothing to record at the start."""

    async def abort(self) -> None:
        """Nothing to release."""

    async def drain(self) -> None:
        """Nothing pending."""

    async def end(self, result: Any) -> None:
        """Nothing to record at the end."""


_NO_JOURNAL = _NoJournal()


def _outcome(offset: int, record: Any, result: RunResult, t0: float) -> StreamResult:
    if result.status in ("succeeded", "degraded"):
        return StreamResult(offset, OK, result.output, latency=perf_counter() - t0)
    error_type, message = "RunFailed", f"the record's run ended {result.status}"
    for name, step in result.steps.items():
        if step.error is not None:
            error_type, message = step.error.type, f"step {name!r}: {step.error.message}"
            break
    return StreamResult(
        offset,
        FAILED,
        error_type=error_type,
        error=message,
        record=record,
        latency=perf_counter() - t0,
    )


def _raised(offset: int, record: Any, exc: Exception, t0: float) -> StreamResult:
    return StreamResult(
        offset,
        FAILED,
        error_type=type(exc).__qualname__,
        error=str(exc),
        record=record,
        latency=perf_counter() - t0,
    )


def make_handler(
    orch: Orchestrator, workflow: WorkflowLike | None, decode: Callable[[Any], Any] | None = None
) -> Handler:
    """The handler of a stream: ``workflow`` (validated now, so a bad one is a
    :class:`~orchestrion.exceptions.ConfigError` before any record is read) or,
    when ``None``, the route :meth:`Orchestrator.plan` picks per record.
    ``decode`` is applied to each record first; when it raises, that record
    fails (its result keeps the undecoded record)."""
    handle = _make_handler(orch, workflow)
    if decode is None:
        return handle

    async def decode_then_handle(offset: int, record: Any) -> StreamResult:
        t0 = perf_counter()
        try:
            data = decode(record)
        except Exception as exc:  # a malformed record fails alone
            return _raised(offset, record, exc, t0)
        result = await handle(offset, data)
        if not result.ok:
            result.record = record  # the dead letter keeps the input as it was read
        return result

    return decode_then_handle


def _make_handler(orch: Orchestrator, workflow: WorkflowLike | None) -> Handler:
    engine = orch.engine
    recorder = orch._recorder  # issue 10: per-component metrics count stream records too
    if workflow is not None:
        wf = orch.validate(workflow)

        async def run_workflow(offset: int, record: Any) -> StreamResult:
            t0 = perf_counter()
            try:
                result = await engine.run(wf, record, journal=_NO_JOURNAL)
            except Exception as exc:  # a record's failure never stops the stream
                return _raised(offset, record, exc, t0)
            recorder.record_run(result)
            return _outcome(offset, record, result, t0)

        return run_workflow

    from .._routing._assemble import assemble

    assembled: dict[int, tuple[Route, Workflow]] = {}

    def workflow_for(route: Route) -> Workflow:
        hit = assembled.get(id(route))
        if hit is not None and hit[0] is route:
            return hit[1]
        if len(assembled) >= _ROUTE_CACHE:
            assembled.clear()
        made = assemble(route, orch.registry, orch.config, None)
        assembled[id(route)] = (route, made)
        return made

    async def run_routed(offset: int, record: Any) -> StreamResult:
        t0 = perf_counter()
        try:
            result = await engine.run(workflow_for(orch.plan(record)), record, journal=_NO_JOURNAL)
        except Exception as exc:  # no route, bad options: this record fails, not the stream
            return _raised(offset, record, exc, t0)
        orch.routing.record_run(result)
        recorder.record_run(result)
        return _outcome(offset, record, result, t0)

    return run_routed
