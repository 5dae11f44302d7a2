"""One run's lifecycle events, as the engine publishes them.

The engine makes one :class:`RunEvents` per run and calls it at each point of
the run's life with plain arguments. Every method first asks the bus whether
anyone listens to that type (one dict lookup), so a run nobody watches pays
neither for building events nor for summarising payloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._bus import EventBus
from ._lifecycle import (
    RUN_FINISHED,
    RUN_STARTED,
    STEP_DEGRADED,
    STEP_FAILED,
    STEP_RETRYING,
    STEP_STARTED,
    STEP_SUCCEEDED,
    run_finished,
    run_started,
    step_degraded,
    step_failed,
    step_retrying,
    step_started,
    step_succeeded,
)
from ._payload import payload_summary

__all__ = ["RunEvents"]

_RUN_TYPES = (
    RUN_STARTED,
    STEP_STARTED,
    STEP_RETRYING,
    STEP_SUCCEEDED,
    STEP_FAILED,
    STEP_DEGRADED,
    RUN_FINISHED,
)


class RunEvents:
    """Publishes the lifecycle events of run ``run_id`` on ``bus`` (``None``:
    publishes nothing). Payloads passed in are only summarised, and only when
    someone listens."""

    __slots__ = ("bus", "run_id")

    def __init__(self, bus: EventBus | None, run_id: str) -> None:
        self.bus = bus
        self.run_id = run_id

    @classmethod
    def for_run(cls, bus: EventBus | None, run_id: str) -> RunEvents | None:
        """A publisher for run ``run_id``, or ``None`` when no handler listens
        to any run or step event: the engine then skips every call with one
        ``is None`` test per step. (Handlers subscribed during a run are
        served from the next run on.)"""
        if bus is None or not any(bus.wants(t) for t in _RUN_TYPES):
            return None
        return cls(bus, run_id)

    def _wants(self, event_type: str) -> EventBus | None:
        bus = self.bus
        return bus if bus is not None and bus.wants(event_type) else None

    async def run_started(self, *, workflow: str, steps: int, data: Any) -> None:
        """``run.started``, with a summary of the input ``data``."""
        if bus := self._wants(RUN_STARTED):
            await bus.publish(
                run_started(
                    self.run_id, workflow=workflow, steps=steps, input=payload_summary(data)
                )
            )

    async def step_started(
        self, *, step: str, component: str, attempt: int = 1, item: int | None = None
    ) -> None:
        """``step.started`` for one attempt of ``step`` (fan-out ``item``)."""
        if bus := self._wants(STEP_STARTED):
            await bus.publish(
                step_started(
                    self.run_id, step=step, component=component, attempt=attempt, item=item
                )
            )

    async def step_succeeded(
        self,
        *,
        step: str,
        component: str,
        attempt: int,
        duration: float,
        output: Any,
        item: int | None = None,
    ) -> None:
        """``step.succeeded``, with a summary of the step's ``output``."""
        if bus := self._wants(STEP_SUCCEEDED):
            await bus.publish(
                step_succeeded(
                    self.run_id,
                    step=step,
                    component=component,
                    attempt=attempt,
                    duration=duration,
                    item=item,
                    output=payload_summary(output),
                )
            )

    async def step_retrying(
        self,
        *,
        step: str,
        component: str,
        attempt: int,
        error: BaseException | str,
        wait: float,
        item: int | None = None,
    ) -> None:
        """``step.retrying``: ``attempt`` failed with ``error``; next in ``wait`` s."""
        if bus := self._wants(STEP_RETRYING):
            await bus.publish(
                step_retrying(
                    self.run_id,
                    step=step,
                    component=component,
                    attempt=attempt,
                    error=error,
                    wait=wait,
                    item=item,
                )
            )

    def on_retry(self, notice: Any) -> None:
        """A resilience ``RetryObserver``: ``step.retrying`` for each retry. The
        observer is synchronous, so the event is queued without waiting
        (:meth:`EventBus.publish_nowait`)."""
        if bus := self._wants(STEP_RETRYING):
            info = notice.step
            bus.publish_nowait(
                step_retrying(
                    self.run_id,
                    step=info.step,
                    component=notice.component,
                    attempt=notice.attempt,
                    error=notice.error,
                    wait=notice.wait,
                    item=info.item,
                )
            )

    async def step_failed(
        self,
        *,
        step: str,
        component: str,
        attempt: int,
        duration: float,
        error: BaseException | str,
        item: int | None = None,
    ) -> None:
        """``step.failed``: the step failed for good."""
        if bus := self._wants(STEP_FAILED):
            await bus.publish(
                step_failed(
                    self.run_id,
                    step=step,
                    component=component,
                    attempt=attempt,
                    duration=duration,
                    error=error,
                    item=item,
                )
            )

    async def step_degraded(
        self,
        *,
        step: str,
        component: str,
        error: BaseException | str,
        fallback: str | None,
        item: int | None = None,
    ) -> None:
        """``step.degraded``: the run went on with ``fallback`` (or without the step)."""
        if bus := self._wants(STEP_DEGRADED):
            await bus.publish(
                step_degraded(
                    self.run_id,
                    step=step,
                    component=component,
                    error=error,
                    fallback=fallback,
                    item=item,
                )
            )

    async def run_finished(
        self,
        *,
        workflow: str,
        status: str,
        duration: float,
        steps: Mapping[str, int] | None = None,
        output: Any = None,
    ) -> None:
        """``run.finished``, with step counts by status and a summary of the output."""
        if bus := self._wants(RUN_FINISHED):
            await bus.publish(
                run_finished(
                    self.run_id,
                    workflow=workflow,
                    status=status,
                    duration=duration,
                    steps=steps,
                    output=payload_summary(output),
                )
            )
