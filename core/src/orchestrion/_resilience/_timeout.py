"""The per-attempt time limit.

``anyio.fail_after`` wraps one attempt. Only when *its own* scope expired is
the result an :class:`~orchestrion.exceptions.AttemptTimeout` (a retryable
``TimeoutError``); a deadline or cancellation from outside the step passes
through as cancellation, and a ``TimeoutError`` the component raised itself
passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio

from ..exceptions import AttemptTimeout

__all__ = ["with_attempt_timeout"]

T = TypeVar("T")


async def with_attempt_timeout(
    call: Callable[[int], Awaitable[T]],
    attempt: int,
    limit: float,
    *,
    step: str | None = None,
    component: str | None = None,
) -> T:
    """Await ``call(attempt)`` for at most ``limit`` seconds.

    :raises AttemptTimeout: when the limit expired (the attempt was cancelled).
    """
    scope = None
    try:
        with anyio.fail_after(limit) as scope:
            return await call(attempt)
    except TimeoutError as exc:
        # fail_after raises a bare TimeoutError only when its own scope caught
        # the cancellation; anything else is the component's own TimeoutError.
        if scope is None or not scope.cancelled_caught or isinstance(exc, AttemptTimeout):
            raise
        where = f"step {step!r}" if step else "the step"
        msg = (
            f"attempt {attempt} of {where} took longer than its {limit:g}s limit; raise "
            "timeout.attempt or make the component faster"
        )
        raise AttemptTimeout(msg, limit=limit, step=step, component=component) from None
