"""What the event bus records: per-handler statistics, bus totals, dead letters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .._event import Event

__all__ = ["BusStats", "DeadLetter", "DeadLetterSink", "HandlerFailure", "HandlerStats"]


@dataclass(frozen=True, slots=True)
class HandlerFailure:
    """Why one handler did not take one event: its last error's type and
    message (cut to 500 characters), whether that was the timeout, and how
    many attempts it made."""

    handler: str
    error_type: str
    error: str
    timed_out: bool
    attempts: int


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An event that reached no handler successfully.

    ``reason`` is ``"failed"`` when every matching handler failed (``failures``
    says how), ``"dropped"`` when it was never delivered (:meth:`EventBus.publish_nowait`
    found the queue full or the bus stopped, or the bus was cancelled while it
    was queued), ``"cancelled"`` when the bus was cancelled during its delivery.
    """

    event: Event
    reason: str
    failures: tuple[HandlerFailure, ...] = ()
    time: datetime = field(default_factory=lambda: datetime.now(UTC))


#: Persists dead letters (a state store, a file); called once per dead letter.
#: Its own failures are counted (``BusStats.sink_errors``), never raised.
DeadLetterSink = Callable[[DeadLetter], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class HandlerStats:
    """One handler's counters: events it took (``delivered``), events it failed
    for good (``failed``, of which ``timed_out`` by its timeout on the last
    attempt), extra attempts it made (``retried``) and its last error."""

    name: str
    types: tuple[str, ...]
    delivered: int = 0
    failed: int = 0
    timed_out: int = 0
    retried: int = 0
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class BusStats:
    """A snapshot of the bus's counters. Every published event is counted in
    exactly one of ``unrouted`` (no handler matched), ``delivered`` (every
    matching handler took it), ``partial`` (some did), ``failed`` (none did),
    ``dropped`` (never delivered, or cancelled during delivery) or ``pending``
    (queued or being delivered), so they add up to ``published``.
    ``dead_letters`` counts failed plus dropped events (the list itself keeps
    only the latest)."""

    published: int
    unrouted: int
    delivered: int
    partial: int
    failed: int
    dropped: int
    pending: int
    dead_letters: int
    sink_errors: int
    handlers: Mapping[str, HandlerStats]
