"""How an orchestrator gets its event bus and triggers, and runs them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._event import Event
from ._bus import EventBus
from ._config import TriggerConfig, events_config
from ._lifecycle import BREAKER_TYPES, breaker_event
from ._triggers import TriggerRunner, Triggers

if TYPE_CHECKING:
    from .._orchestrator import Orchestrator

__all__ = ["breaker_observer", "bus_of", "events_running", "orchestrator_runner", "triggers_of"]

# Breaker states (their ``value``) and the state names of breaker events; a
# forced-open breaker rejects calls like an open one, a disabled one reports nothing.
_BREAKER_STATES: dict[str, Literal["open", "half_open", "closed"]] = {
    "open": "open",
    "forced_open": "open",
    "half_open": "half_open",
    "closed": "closed",
}


def bus_of(orchestrator: Orchestrator) -> EventBus:
    """The orchestrator's bus, made on first use from its plugins' handlers
    and its ``[events]`` config."""
    bus = orchestrator.__dict__.get("_events_bus")
    if bus is None:
        settings = events_config(orchestrator.config)
        bus = EventBus(
            orchestrator.registry.event_handlers.items.values(),
            queue_size=settings.queue_size,
            dispatchers=settings.dispatchers,
            dead_letter_limit=settings.dead_letters,
        )
        orchestrator.__dict__["_events_bus"] = bus
    assert isinstance(bus, EventBus)
    return bus


def orchestrator_runner(orchestrator: Orchestrator) -> TriggerRunner:
    """Runs a trigger's workflow (relative to the config file's folder) with
    :meth:`Orchestrator.run`, or routes its input with :meth:`Orchestrator.process`."""
    source = orchestrator.config.source
    base = Path(source).parent if source else Path.cwd()

    async def run(trigger: TriggerConfig, data: Any, event: Event) -> Any:
        if trigger.workflow is None:
            return await orchestrator.process(data)
        return await orchestrator.run(base / trigger.workflow, data)

    return run


def triggers_of(orchestrator: Orchestrator) -> Triggers:
    """The orchestrator's triggers, made on first use from ``[[events.triggers]]``."""
    triggers = orchestrator.__dict__.get("_events_triggers")
    if triggers is None:
        settings = events_config(orchestrator.config)
        triggers = Triggers(
            settings.triggers,
            orchestrator_runner(orchestrator),
            max_runs=settings.max_triggered_runs,
        )
        orchestrator.__dict__["_events_triggers"] = triggers
    assert isinstance(triggers, Triggers)
    return triggers


@asynccontextmanager
async def events_running(orchestrator: Orchestrator) -> AsyncIterator[Triggers]:
    """Run the orchestrator's bus dispatchers and triggers for the block (a
    no-op when an outer block already does). On leaving, triggered runs finish
    first, then the bus delivers what is still queued."""
    bus = bus_of(orchestrator)
    triggers = triggers_of(orchestrator)
    async with bus.running():
        if triggers.is_running:
            yield triggers
        else:
            async with triggers.running(bus):
                yield triggers


def breaker_observer(bus: EventBus) -> Callable[[Any], None]:
    """An observer for the orchestrator's breaker registry
    (``breakers.subscribe(breaker_observer(bus))``) that publishes each
    transition as ``breaker.opened`` / ``breaker.half_open`` /
    ``breaker.closed``. Breakers report synchronously, so events are queued
    with :meth:`EventBus.publish_nowait` (when nobody listens, nothing is built)."""

    def observe(transition: Any) -> None:
        to_state = getattr(transition.to_state, "value", transition.to_state)
        state = _BREAKER_STATES.get(str(to_state))
        if state is None:
            return
        if not bus.wants(BREAKER_TYPES[state]):
            return
        event = breaker_event(
            transition.breaker,
            state,
            open_for=transition.retry_after if state == "open" else None,
            reason=transition.reason or None,
        )
        bus.publish_nowait(event)

    return observe
