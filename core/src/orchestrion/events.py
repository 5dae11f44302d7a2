"""Events: the bus, its records, the built-in event types and their builders.

Subscribe to an orchestrator's bus (``orchestrator.events``) from Python::

    async def on_failure(event: Event) -> None: ...

    orchestrator.events.subscribe("step.failed", on_failure, timeout=5)

or from a plugin with the ``register_event_handlers`` hook. The constants name
the built-in event types (see ``docs/events.md`` for their data); the builders
make those events from plain arguments and payload summaries, never payloads.
"""

from __future__ import annotations

from ._event import Event as Event
from ._events._bus import EventBus as EventBus
from ._events._lifecycle import BREAKER_CLOSED as BREAKER_CLOSED
from ._events._lifecycle import BREAKER_HALF_OPEN as BREAKER_HALF_OPEN
from ._events._lifecycle import BREAKER_OPENED as BREAKER_OPENED
from ._events._lifecycle import LIFECYCLE_TYPES as LIFECYCLE_TYPES
from ._events._lifecycle import RUN_FINISHED as RUN_FINISHED
from ._events._lifecycle import RUN_STARTED as RUN_STARTED
from ._events._lifecycle import STEP_DEGRADED as STEP_DEGRADED
from ._events._lifecycle import STEP_FAILED as STEP_FAILED
from ._events._lifecycle import STEP_RETRYING as STEP_RETRYING
from ._events._lifecycle import STEP_STARTED as STEP_STARTED
from ._events._lifecycle import STEP_SUCCEEDED as STEP_SUCCEEDED
from ._events._lifecycle import STREAM_STATS as STREAM_STATS
from ._events._lifecycle import breaker_event as breaker_event
from ._events._lifecycle import error_fields as error_fields
from ._events._lifecycle import run_finished as run_finished
from ._events._lifecycle import run_started as run_started
from ._events._lifecycle import step_degraded as step_degraded
from ._events._lifecycle import step_failed as step_failed
from ._events._lifecycle import step_retrying as step_retrying
from ._events._lifecycle import step_started as step_started
from ._events._lifecycle import step_succeeded as step_succeeded
from ._events._lifecycle import stream_stats as stream_stats
from ._events._matching import Subscription as Subscription
from ._events._payload import HASH_LIMIT as HASH_LIMIT
from ._events._payload import payload_summary as payload_summary
from ._events._records import BusStats as BusStats
from ._events._records import DeadLetter as DeadLetter
from ._events._records import DeadLetterSink as DeadLetterSink
from ._events._records import HandlerFailure as HandlerFailure
from ._events._records import HandlerStats as HandlerStats

__all__ = [
    "BREAKER_CLOSED",
    "BREAKER_HALF_OPEN",
    "BREAKER_OPENED",
    "BusStats",
    "DeadLetter",
    "DeadLetterSink",
    "Event",
    "EventBus",
    "HASH_LIMIT",
    "HandlerFailure",
    "HandlerStats",
    "LIFECYCLE_TYPES",
    "RUN_FINISHED",
    "RUN_STARTED",
    "STEP_DEGRADED",
    "STEP_FAILED",
    "STEP_RETRYING",
    "STEP_STARTED",
    "STEP_SUCCEEDED",
    "STREAM_STATS",
    "Subscription",
    "breaker_event",
    "error_fields",
    "payload_summary",
    "run_finished",
    "run_started",
    "step_degraded",
    "step_failed",
    "step_retrying",
    "step_started",
    "step_succeeded",
    "stream_stats",
]
