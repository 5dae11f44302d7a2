"""Retries with stamina: the only module that imports it.

stamina is imported lazily, on the first retry or testing switch. The first
attempt runs outside stamina, so a call that succeeds at once pays
nothing for its retry policy. When it fails with a retryable error, stamina
takes over: its first attempt *replays* that failure (re-raises it without
calling again), so stamina counts attempts, computes the jittered exponential
backoff, sleeps (on asyncio or trio, through sniffio), honours the total
timeout and obeys ``stamina.set_testing`` exactly as if it had run every
attempt itself.

Classification (``retry_decision``):

* only ``Exception``\\ s are retried; cancellation and other ``BaseException``\\ s
  propagate at once, from an attempt or from a backoff sleep;
* a :class:`~orchestrion.exceptions.PermanentError` (``ParseError``,
  ``ValidationFailed``, a plugin's own subclasses) is *never* retried, even
  when ``retry_on`` would match it (``retry_on = ["Exception"]``): the same
  call would fail the same way;
* an error is retryable if it is an instance of one of ``retry_on``;
* an ``ExceptionGroup`` is retryable only if *every* leaf is; it waits for the
  longest ``retry_after`` among them;
* ``retry_after`` on the error (``TransientError``, ``CircuitOpenError``) is a
  minimum wait; it is honoured only if it fits the remaining budget (the rest
  of the total ``timeout`` when one is set, otherwise ``wait_max``), else the
  retry gives up at once rather than wait in vain;
* ``CircuitOpenError`` is retried only that way: without a ``retry_after`` (forced
  open, half-open full) or beyond the budget it ends the retries, so retries
  never hammer an open breaker;
* no sleep follows the last attempt, and the last exception is raised as is.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Protocol, TypeVar

from ..exceptions import CircuitOpenError, PermanentError
from ._policy import RetryPolicy
from ._types import leaves, resolve_exception_types

__all__ = ["RetryPlan", "is_testing", "set_testing"]

T = TypeVar("T")

# Unlimited-attempt policies (bounded by a total timeout) in testing mode: stamina
# drops the timeout there, so cap the attempts instead of spinning forever.
_TESTING_ATTEMPTS_CAP = 100


class _Exit(Protocol):
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class _RestoreTesting:
    """Context manager returned by :func:`set_testing`; restores the old mode."""

    __slots__ = ("_restore",)

    def __init__(self, restore: _Exit) -> None:
        self._restore = restore

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._restore.__exit__(exc_type, exc, tb)


def set_testing(enabled: bool, *, attempts: int | None = None) -> _RestoreTesting:
    """Make retry waits instant, for fast tests (built on ``stamina.set_testing``).

    :param enabled: switch testing mode on or off (process-wide).
    :param attempts: ``None`` keeps each policy's own number of attempts (an
        unlimited one is capped at 100); a number forces exactly that many.
    :returns: a context manager that restores the previous mode on exit, so
        ``with set_testing(True): ...`` scopes it.
    """
    import stamina

    if attempts is None:
        restore = stamina.set_testing(enabled, attempts=_TESTING_ATTEMPTS_CAP, cap=True)
    else:
        restore = stamina.set_testing(enabled, attempts=attempts)
    return _RestoreTesting(restore)


def is_testing() -> bool:
    """Whether :func:`set_testing` made retry waits instant."""
    import stamina

    return stamina.is_testing()


class RetryPlan:
    """A :class:`RetryPolicy` compiled for repeated use (types resolved once).

    :raises ConfigError: when a ``retry_on`` name cannot be resolved.
    """

    __slots__ = ("attempts", "policy", "retry_on")

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self.attempts = policy.attempts
        self.retry_on = resolve_exception_types(policy.retry_on, "retry.retry_on")

    @property
    def single(self) -> bool:
        """True when the policy allows one attempt only (no retry machinery)."""
        return self.attempts == 1

    def retry_decision(self, exc: BaseException, attempt: int, elapsed: float) -> bool | float:
        """Whether to retry after ``exc`` ended attempt number ``attempt``,
        ``elapsed`` seconds after the first attempt started.

        :returns: ``False`` to give up, ``True`` for the normal backoff, or a
            number of seconds to wait instead (from ``retry_after``).
        """
        if not isinstance(exc, Exception):
            return False
        demanded = 0.0
        for leaf in leaves(exc):
            if not isinstance(leaf, Exception) or isinstance(leaf, PermanentError):
                return False
            after = getattr(leaf, "retry_after", None)
            if isinstance(leaf, CircuitOpenError):
                if after is None:
                    return False
            elif not isinstance(leaf, self.retry_on):
                return False
            if isinstance(after, int | float) and after > demanded:
                demanded = float(after)
        normal = self._backoff_floor(attempt)
        budget = self._budget(elapsed)
        if demanded > normal:
            return demanded if demanded <= budget else False
        # Even the shortest normal wait would overrun the total timeout: stop now.
        return normal <= budget or False

    def _backoff_floor(self, attempt: int) -> float:
        """Stamina's backoff after ``attempt`` without jitter (a lower bound)."""
        p = self.policy
        try:
            return float(min(p.wait_max, p.wait_initial * p.wait_exp_base ** (attempt - 1)))
        except OverflowError:
            return p.wait_max

    def _budget(self, elapsed: float) -> float:
        timeout = self.policy.timeout
        if timeout is None:
            return self.policy.wait_max
        return timeout - elapsed

    async def run(self, attempt: Callable[[int], Awaitable[T]]) -> T:
        """Call ``attempt(1)``, ``attempt(2)``, ... until one returns or the
        policy gives up; the last exception is raised as is.

        Cancellation propagates at once, from an attempt or a backoff sleep.
        """
        start = time.monotonic()
        try:
            return await attempt(1)
        except Exception as exc:
            first = exc
        return await self.resume(attempt, first, start)

    async def resume(
        self,
        attempt: Callable[[int], Awaitable[T]],
        first: Exception,
        start: float,
        on_retry: Callable[[Exception, int, float], None] | None = None,
    ) -> T:
        """Continue after attempt 1 failed with ``first`` (it started at
        ``start``, from ``time.monotonic``): retry with ``attempt(2)``, ... or
        re-raise ``first`` if it is not worth retrying.

        Callers that run the first attempt themselves (to keep the success
        path free of any retry machinery) hand over here. ``on_retry(error,
        attempt, wait)`` is called before each backoff wait (``wait`` is its
        lower bound: stamina adds jitter).
        """
        if self.attempts == 1 or self.retry_decision(first, 1, time.monotonic() - start) is False:
            raise first
        # Imported on the first retry: stamina and tenacity cost ~10 ms of
        # start-up that a run without failures never needs.
        import stamina

        p = self.policy
        current = 1

        def hook(exc: Exception) -> bool | float:
            decision = self.retry_decision(exc, current, time.monotonic() - start)
            last = self.attempts is not None and current >= self.attempts
            if on_retry is not None and decision is not False and not last:
                wait = self._backoff_floor(current) if decision is True else float(decision)
                on_retry(exc, current, wait)
            return decision

        timeout = None
        if p.timeout is not None:
            # stamina's clock starts now, after the first attempt; pass what is left.
            timeout = max(p.timeout - (time.monotonic() - start), 1e-6)
        replay: Exception | None = first
        async for trial in stamina.retry_context(
            on=hook,
            attempts=self.attempts,
            timeout=timeout,
            wait_initial=p.wait_initial,
            wait_max=p.wait_max,
            wait_jitter=p.wait_jitter,
            wait_exp_base=p.wait_exp_base,
        ):
            with trial:
                current = trial.num
                if replay is not None:
                    exc, replay = replay, None
                    raise exc
                return await attempt(current)
        raise AssertionError("unreachable: stamina re-raises the last error")  # noqa: EM101
