"""One delivery: an event to one handler, isolated, timed out and retried."""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass

import anyio

from .._event import Event
from ._matching import Subscription
from ._payload import type_name
from ._records import HandlerFailure

__all__ = ["HandlerCounters", "call_handler"]

_log = logging.getLogger("orchestrion.events")
_MAX_ERROR = 500


@dataclass(slots=True)
class HandlerCounters:
    """The live counters behind :class:`HandlerStats` (one per handler name)."""

    types: tuple[str, ...]
    delivered: int = 0
    failed: int = 0
    timed_out: int = 0
    retried: int = 0
    last_error: str | None = None


async def call_handler(
    sub: Subscription,
    event: Event,
    counters: HandlerCounters,
    retry_wait: float,
    retry_wait_max: float,
) -> HandlerFailure | None:
    """Deliver ``event`` to ``sub``'s handler: each attempt bounded by its
    timeout, failed attempts retried after ``retry_wait`` seconds (doubling up
    to ``retry_wait_max``). Counts the outcome on ``counters``; returns the
    failure, or ``None`` once an attempt succeeded. Only cancellation raises."""
    attempts = sub.retries + 1
    wait = retry_wait
    error: Exception | None = None
    timed_out = False
    for attempt in range(1, attempts + 1):
        error, timed_out = None, False
        try:
            with anyio.move_on_after(sub.timeout) as scope:
                result = sub.handler(event)
                if inspect.isawaitable(result):
                    await result
            timed_out = scope.cancelled_caught
        except Exception as exc:  # isolating handlers is the point
            error = exc
        if error is None and not timed_out:
            counters.delivered += 1
            return None
        if attempt < attempts:
            counters.retried += 1
            if wait > 0:
                await anyio.sleep(wait)
            wait = min(wait * 2, retry_wait_max)
    if error is None:
        failure = HandlerFailure(
            sub.name, "TimeoutError", f"timed out after {sub.timeout}s", True, attempts
        )
    else:
        failure = HandlerFailure(
            sub.name, type_name(error), str(error)[:_MAX_ERROR], False, attempts
        )
    counters.failed += 1
    counters.timed_out += timed_out
    counters.last_error = f"{failure.error_type}: {failure.error}"
    _log.warning(
        "event handler %r failed on %s event %s after %d attempt(s): %s: %s",
        sub.name,
        event.type,
        event.id,
        attempts,
        failure.error_type,
        failure.error,
    )
    return failure
