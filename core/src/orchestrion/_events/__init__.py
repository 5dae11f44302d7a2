"""Events: the bus that delivers them, lifecycle event builders, triggered runs."""

from __future__ import annotations

from ._bus import EventBus as EventBus
from ._matching import Subscription as Subscription
from ._payload import payload_summary as payload_summary
from ._records import BusStats as BusStats
from ._records import DeadLetter as DeadLetter
from ._records import DeadLetterSink as DeadLetterSink
from ._records import HandlerFailure as HandlerFailure
from ._records import HandlerStats as HandlerStats

__all__ = [
    "BusStats",
    "DeadLetter",
    "DeadLetterSink",
    "EventBus",
    "HandlerFailure",
    "HandlerStats",
    "Subscription",
    "payload_summary",
]
