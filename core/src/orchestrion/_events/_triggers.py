"""Event-triggered runs: bus handlers that start a run per matching event."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
from anyio.abc import TaskGroup

from .._event import Event
from ..exceptions import ConfigError
from ._bus import EventBus
from ._config import TriggerConfig
from ._matching import Subscription
from ._scopes import body_error

__all__ = ["TriggerRunner", "TriggeredRun", "Triggers"]

#: Starts one run: ``runner(trigger, input, event)`` returns the run's result.
TriggerRunner = Callable[[TriggerConfig, Any, Event], Awaitable[Any]]

_HISTORY = 1000


@dataclass(frozen=True, slots=True)
class TriggeredRun:
    """A run an event started. ``status`` is the result's ``status``
    (``"succeeded"`` when the result has none), or ``"error"`` when the run
    could not be made at all (``error`` says why); ``ok`` is the result's own
    ``ok`` when it has one (a :class:`RunResult` is ok when degraded too)."""

    trigger: str
    event_id: str
    status: str
    ok: bool
    result: Any = None
    error: BaseException | None = None

    @classmethod
    def of(cls, trigger: str, event_id: str, result: Any) -> TriggeredRun:
        """The record of a run that returned ``result``."""
        status = str(getattr(result, "status", "succeeded"))
        ok = getattr(result, "ok", status == "succeeded")
        return cls(trigger, event_id, status, bool(ok), result)


class Triggers:
    """Starts a run for each event matching a trigger, while :meth:`running`.

    Runs execute in the triggers' own task group, at most ``max_runs`` at a
    time: a trigger's bus handler only waits for a free slot, so a long run
    never holds a bus dispatcher, and a flood of trigger events is slowed down
    at the bus rather than queued here. The bus counts runs in progress as
    pending work, so ``await bus.drain()`` returns once they (and the events
    they publish) are done. Finished runs are kept (the latest 1000) for
    :meth:`runs_for`.
    """

    def __init__(
        self, triggers: Sequence[TriggerConfig], runner: TriggerRunner, *, max_runs: int = 4
    ) -> None:
        if max_runs < 1:
            msg = "max_runs must be >= 1"
            raise ValueError(msg)
        self._triggers = list(triggers)
        self._runner = runner
        self._max_runs = max_runs
        self._finished: deque[TriggeredRun] = deque(maxlen=_HISTORY)
        self._task_group: TaskGroup | None = None
        self._in_flight = 0

    @asynccontextmanager
    async def running(self, bus: EventBus) -> AsyncIterator[Triggers]:
        """Subscribe the triggers to ``bus`` for the ``async with`` block; on
        leaving it, stop taking events and wait for the runs in progress."""
        subs: list[Subscription] = []
        slots = anyio.Semaphore(self._max_runs)
        try:
            # Subscribed before the task group opens, so a bad trigger raises
            # its own error rather than an exception group. Nothing can be
            # delivered before the group is set: opening it does not yield.
            for index, trigger in enumerate(self._triggers, start=1):
                name = trigger.name or f"trigger.{index}"
                handler = self._handler(name, index, trigger, slots, bus)
                try:
                    subs.append(bus.subscribe(trigger.on, handler, name=name, timeout=None))
                except ValueError as exc:  # its name is taken by another handler
                    key = f"events.triggers.{index - 1}.name"
                    raise ConfigError(str(exc), key=key) from None
            async with anyio.create_task_group() as tg:
                self._task_group = tg
                with body_error(tg) as error:
                    try:
                        yield self
                    finally:
                        for sub in subs:
                            sub.unsubscribe()
            error.reraise()
        finally:
            self._task_group = None
            for sub in subs:
                sub.unsubscribe()

    def _handler(
        self, name: str, index: int, trigger: TriggerConfig, slots: anyio.Semaphore, bus: EventBus
    ) -> Callable[[Event], Awaitable[None]]:
        async def start_run(event: Event) -> None:
            if trigger.input is None:
                data: Any = event.data
            elif trigger.input in event.data:
                data = event.data[trigger.input]
            else:
                msg = (
                    f"{event.type} event {event.id} has no data key {trigger.input!r}; "
                    "publish it with that key or change the trigger's 'input'"
                )
                raise ConfigError(msg, key=f"events.triggers.{index - 1}.input")
            await slots.acquire()
            tg = self._task_group
            if tg is None:  # the triggers stopped while this event waited
                slots.release()
                msg = f"trigger {name!r} is not running; event {event.id} was not acted on"
                raise RuntimeError(msg)
            self._in_flight += 1
            bus.hold()  # so bus.drain() waits for the run too
            try:
                tg.start_soon(self._run, name, trigger, data, event, slots, bus)
            except BaseException:
                self._done(slots, bus)
                raise

        start_run.__qualname__ = name
        return start_run

    async def _run(
        self,
        name: str,
        trigger: TriggerConfig,
        data: Any,
        event: Event,
        slots: anyio.Semaphore,
        bus: EventBus,
    ) -> None:
        try:
            try:
                result = await self._runner(trigger, data, event)
            except Exception as exc:  # a run that cannot start must not stop the others
                self._finished.append(TriggeredRun(name, event.id, "error", False, error=exc))
            else:
                self._finished.append(TriggeredRun.of(name, event.id, result))
        finally:
            self._done(slots, bus)

    def _done(self, slots: anyio.Semaphore, bus: EventBus) -> None:
        slots.release()
        self._in_flight -= 1
        bus.release()

    @property
    def is_running(self) -> bool:
        """Whether the triggers are subscribed and taking events."""
        return self._task_group is not None

    @property
    def in_flight(self) -> int:
        """Triggered runs in progress."""
        return self._in_flight

    def runs_for(self, event_id: str) -> list[TriggeredRun]:
        """The finished runs event ``event_id`` started (of the latest 1000)."""
        return [run for run in self._finished if run.event_id == event_id]
