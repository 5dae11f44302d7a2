"""A circuit breaker with resilience4j semantics, one per component type.

States: ``CLOSED`` (calls pass, results fill a count-based sliding window),
``OPEN`` (calls rejected at once with :class:`CircuitOpenError`), ``HALF_OPEN``
(a fixed number of trial calls decide), plus the manual ``FORCED_OPEN`` and
``DISABLED``::

    CLOSED ──failure or slow-call rate ≥ threshold (≥ minimum_calls)──▶ OPEN
    OPEN ──open period over, next call──▶ HALF_OPEN
    HALF_OPEN ──all trials done, rates below thresholds──▶ CLOSED (metrics cleared)
    HALF_OPEN ──all trials done, a rate at/above its threshold──▶ OPEN (longer)
    HALF_OPEN ──max_half_open_duration over, next call──▶ OPEN (longer)
    any ──reset()──▶ CLOSED   any ──force_open()──▶ FORCED_OPEN   any ──disable()──▶ DISABLED

The breaker never awaits: :meth:`CircuitBreaker.acquire` and
:meth:`CircuitBreaker.on_result` are synchronous and short, so no lock is ever
held across the guarded call, and concurrent callers cannot interleave inside
a transition. A small thread lock guards the bookkeeping so a breaker shared
by runs on several threads stays consistent.

Every result carries the *epoch* of its permit; the epoch changes whenever the
metrics are replaced (entering HALF_OPEN, closing, manual transitions). A
result from an older epoch is dropped; a result that finishes after the
breaker tripped (same epoch, now OPEN) only updates the window.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ..exceptions import CircuitOpenError
from ._breaker_state import BreakerMetrics, BreakerState, BreakerTransition
from ._policy import BreakerPolicy
from ._types import resolve_exception_types

__all__ = ["CircuitBreaker", "Permit"]

T = TypeVar("T")
_log = logging.getLogger("orchestrion.resilience")

_SUCCESS, _FAILURE, _IGNORE = 0, 1, 2
_FAIL_BIT, _SLOW_BIT = 1, 2


class Permit:
    """Permission for one call, returned by :meth:`CircuitBreaker.acquire` and
    handed back to :meth:`CircuitBreaker.on_result`."""

    __slots__ = ("epoch", "start", "trial")

    def __init__(self, epoch: int, start: float, trial: bool) -> None:
        self.epoch = epoch
        self.start = start
        self.trial = trial


_UNTRACKED = Permit(-1, 0.0, False)


class CircuitBreaker:
    """A circuit breaker named after the component type it guards.

    :param name: the breaker's name (the component type).
    :param policy: thresholds and periods (:class:`BreakerPolicy`).
    :param clock: monotonic seconds; inject a fake one in tests.
    :param on_transition: called with every :class:`BreakerTransition`, after
        the breaker's own bookkeeping is done (exceptions it raises are logged).
    :raises ConfigError: when ``ignore``/``success`` names cannot be resolved.
    """

    def __init__(
        self,
        name: str,
        policy: BreakerPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_transition: Callable[[BreakerTransition], None] | None = None,
    ) -> None:
        policy = policy or BreakerPolicy()
        self.name = name
        self.policy = policy
        self._clock = clock
        self._observer = on_transition
        self._ignore = resolve_exception_types(policy.ignore, "breaker.ignore")
        self._success = resolve_exception_types(policy.success, "breaker.success")
        self._counted = self._ignore + self._success
        self._slow = policy.slow_call_duration
        self._size = policy.window
        self._min_calls = policy.minimum_calls
        self._pending: list[BreakerTransition] = []
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED if policy.enabled else BreakerState.DISABLED
        self._epoch = 0
        # Without slow-call timing a CLOSED permit carries no time: one shared
        # permit per epoch, so the success path allocates nothing.
        self._plain = Permit(0, 0.0, False)
        self._trips = 0
        self._open_until = 0.0
        self._half_open_since = 0.0
        self._clear_window()
        self._clear_trials()

    # -- bookkeeping (call with the lock held) ---------------------------------

    def _clear_window(self) -> None:
        self._ring = [0] * self.policy.window
        self._pos = 0
        self._count = 0
        self._failures = 0
        self._slow_calls = 0

    def _clear_trials(self) -> None:
        self._trials_started = 0
        self._trial_calls = 0
        self._trial_failures = 0
        self._trial_slow = 0

    def _over(self, calls: int, failures: int, slow: int) -> str | None:
        """Why rates over ``calls`` reach a threshold (inclusive), or None."""
        p = self.policy
        # Integer cross-multiplication keeps "exactly at the threshold" exact.
        if failures * 100 >= p.failure_rate * calls:
            return f"failure rate {failures * 100 / calls:.1f}% >= {p.failure_rate:g}%"
        if self._slow is not None and slow * 100 >= p.slow_call_rate * calls:
            return f"slow-call rate {slow * 100 / calls:.1f}% >= {p.slow_call_rate:g}%"
        return None

    def _to(self, state: BreakerState, now: float, reason: str) -> None:
        if self._state is BreakerState.HALF_OPEN:
            calls, failures, slow = self._trial_calls, self._trial_failures, self._trial_slow
        else:
            calls, failures, slow = self._count, self._failures, self._slow_calls
        failure_rate = failures * 100 / calls if calls else None
        slow_rate = slow * 100 / calls if calls else None
        retry_after = None
        if state is BreakerState.OPEN:
            self._trips += 1
            p = self.policy
            retry_after = min(
                p.open_duration * p.open_duration_multiplier ** (self._trips - 1),
                max(p.max_open_duration, p.open_duration),
            )
            self._open_until = now + retry_after
        if state is not BreakerState.OPEN or self._state is BreakerState.HALF_OPEN:
            # Entering HALF_OPEN/CLOSED or leaving HALF_OPEN replaces the metrics;
            # only CLOSED->OPEN keeps them, so late results still count there.
            self._epoch += 1
            self._clear_trials()
        if state is BreakerState.HALF_OPEN:
            self._half_open_since = now
        elif state is BreakerState.CLOSED:
            self._clear_window()
            self._trips = 0
        self._pending.append(
            BreakerTransition(
                self.name, self._state, state, now, reason, retry_after, failure_rate, slow_rate
            )
        )
        self._state = state

    def _publish(self) -> None:
        """Report pending transitions, outside the lock (observers may be slow)."""
        with self._lock:
            events, self._pending = self._pending, []
        if self._observer is None:
            return
        for event in events:
            try:
                self._observer(event)
            except Exception:
                _log.exception("breaker %r: transition observer failed", self.name)

    # -- the hot path ------------------------------------------------------------

    def acquire(self) -> Permit:
        """Ask permission for one call; hand the permit to :meth:`on_result`.

        :raises CircuitOpenError: at once, without calling anything, when the
            breaker is OPEN or FORCED_OPEN, or HALF_OPEN with every trial taken.
        """
        state = self._state
        if state is BreakerState.CLOSED:
            if self._slow is None:
                plain = self._plain
                if plain.epoch != self._epoch:
                    plain = self._plain = Permit(self._epoch, 0.0, False)
                return plain
            return Permit(self._epoch, self._clock(), False)
        if state is BreakerState.DISABLED:
            return _UNTRACKED
        now = self._clock()
        try:
            with self._lock:
                return self._acquire_slow(now)
        finally:
            if self._pending:
                self._publish()

    def _acquire_slow(self, now: float) -> Permit:
        state = self._state
        if state is BreakerState.CLOSED:
            return Permit(self._epoch, now, False)
        if state is BreakerState.DISABLED:
            return _UNTRACKED
        if state is BreakerState.OPEN and now >= self._open_until:
            self._to(BreakerState.HALF_OPEN, now, "open period over")
        elif state is BreakerState.HALF_OPEN and (
            now - self._half_open_since >= self.policy.max_half_open_duration
        ):
            self._to(BreakerState.OPEN, now, "trial calls took too long")
        state = self._state
        if state is BreakerState.HALF_OPEN and self._trials_started < self.policy.half_open_calls:
            self._trials_started += 1
            return Permit(self._epoch, now, True)
        retry_after = self._open_until - now if state is BreakerState.OPEN else None
        raise self._rejection(retry_after)

    def _rejection(self, retry_after: float | None) -> CircuitOpenError:
        if self._state is BreakerState.FORCED_OPEN:
            hint = "it was forced open; reset() it to let calls through"
        elif retry_after is None:
            hint = "its trial calls are running; retry when they finish or use a fallback"
        else:
            hint = f"a trial call will be let through in {retry_after:.3g}s; or use a fallback"
        msg = f"circuit breaker {self.name!r} is {self._state.value}: {hint}"
        return CircuitOpenError(msg, breaker=self.name, retry_after=retry_after)

    def on_result(self, permit: Permit, error: BaseException | None = None) -> None:
        """Record how the permitted call ended: ``error`` is ``None`` on success.

        Cancellation (any ``BaseException`` that is not an ``Exception``) and
        errors of ``ignore`` types record nothing and free a trial slot; errors
        of ``success`` types count as successes; every other error is a failure.
        """
        if permit is _UNTRACKED:
            return
        if error is None and self._slow is None and not permit.trial:
            self._on_plain_success(permit)
            return
        if error is None:
            kind = _SUCCESS
        elif not isinstance(error, Exception):
            kind = _IGNORE
        else:
            kind = self._classify(error)
        # The clock is read only when something needs the time: slow-call
        # timing, a trial, or a failure (which may trip the breaker).
        now = self._clock() if self._slow is not None or permit.trial or kind else -1.0
        with self._lock:
            if permit.epoch != self._epoch:
                return
            if kind == _IGNORE:
                if permit.trial:
                    self._trials_started -= 1
                return
            bits = _FAIL_BIT if kind == _FAILURE else 0
            if self._slow is not None and now - permit.start > self._slow:
                bits |= _SLOW_BIT
            if permit.trial:
                self._record_trial(bits, now)
            else:
                # The window, inlined: this runs after every call of every step.
                ring, pos, count = self._ring, self._pos, self._count
                if count == self._size:
                    old = ring[pos]
                    if old:
                        self._failures -= old & _FAIL_BIT
                        self._slow_calls -= old >> 1
                else:
                    count = self._count = count + 1
                ring[pos] = bits
                self._pos = pos + 1 if pos + 1 < self._size else 0
                if bits:
                    self._failures += bits & _FAIL_BIT
                    self._slow_calls += bits >> 1
                # A success cannot raise a rate, except by completing the minimum.
                if (
                    (bits or count == self._min_calls)
                    and count >= self._min_calls
                    and self._state is BreakerState.CLOSED
                ):
                    reason = self._over(count, self._failures, self._slow_calls)
                    if reason is not None:
                        self._to(BreakerState.OPEN, self._clock() if now < 0 else now, reason)
        if self._pending:
            self._publish()

    def _on_plain_success(self, permit: Permit) -> None:
        """:meth:`on_result` for the most common case, a timely success in
        CLOSED (or after a trip): a zero in the window, nothing else to judge."""
        if self._count == self._size and not self._failures and permit.epoch == self._epoch:
            # A full window of successes: every rotation of it is the same
            # window, so one more success changes nothing (and needs no lock).
            return
        with self._lock:
            if permit.epoch != self._epoch:
                return
            ring, pos, count = self._ring, self._pos, self._count
            if count == self._size:
                old = ring[pos]
                if old:
                    self._failures -= old & _FAIL_BIT
                    self._slow_calls -= old >> 1
                    ring[pos] = 0
            else:
                count = self._count = count + 1
                ring[pos] = 0
            self._pos = pos + 1 if pos + 1 < self._size else 0
            # A success cannot raise a rate, except by completing the minimum.
            if count == self._min_calls and self._state is BreakerState.CLOSED:
                reason = self._over(count, self._failures, self._slow_calls)
                if reason is not None:
                    self._to(BreakerState.OPEN, self._clock(), reason)
        if self._pending:
            self._publish()

    def _record_trial(self, bits: int, now: float) -> None:
        self._trial_calls += 1
        self._trial_failures += bits & _FAIL_BIT
        self._trial_slow += bits >> 1
        calls = self._trial_calls
        if calls < self.policy.half_open_calls:
            return
        reason = self._over(calls, self._trial_failures, self._trial_slow)
        if reason is None:
            self._to(BreakerState.CLOSED, now, "trial calls succeeded")
        else:
            self._to(BreakerState.OPEN, now, f"trial calls: {reason}")

    def _classify(self, error: Exception) -> int:
        """Success, failure or ignored; a group is ignored (or a success) only
        if all its leaves are."""
        if isinstance(error, BaseExceptionGroup):
            if error.split(self._ignore)[1] is None:
                return _IGNORE
            return _SUCCESS if error.split(self._counted)[1] is None else _FAILURE
        if isinstance(error, self._ignore):
            return _IGNORE
        if isinstance(error, self._success):
            return _SUCCESS
        return _FAILURE

    async def call(self, fn: Callable[[], Awaitable[T]]) -> T:
        """Await ``fn()`` through the breaker (:meth:`acquire` + :meth:`on_result`).

        :raises CircuitOpenError: without calling ``fn`` when the breaker rejects.
        """
        permit = self.acquire()
        try:
            result = await fn()
        except BaseException as exc:
            self.on_result(permit, exc)
            raise
        self.on_result(permit)
        return result

    # -- inspection and manual control --------------------------------------------

    @property
    def state(self) -> BreakerState:
        """The current state (time-driven changes happen on the next call)."""
        return self._state

    def metrics(self) -> BreakerMetrics:
        """A snapshot of the state and the current window (or trial) counts."""
        with self._lock:
            trial = self._state is BreakerState.HALF_OPEN
            calls = self._trial_calls if trial else self._count
            failures = self._trial_failures if trial else self._failures
            slow = self._trial_slow if trial else self._slow_calls
            retry_after = None
            if self._state is BreakerState.OPEN:
                retry_after = max(self._open_until - self._clock(), 0.0)
            return BreakerMetrics(
                state=self._state,
                calls=calls,
                failures=failures,
                slow_calls=slow,
                failure_rate=failures * 100 / calls if calls else 0.0,
                slow_call_rate=slow * 100 / calls if calls else 0.0,
                trips=self._trips,
                retry_after=retry_after,
            )

    def _manual(self, state: BreakerState, reason: str) -> None:
        with self._lock:
            now = self._clock()
            self._to(state, now, reason)
            self._epoch += 1  # results of calls started before do not count
            self._clear_window()
            self._clear_trials()
            self._trips = 0
        self._publish()

    def reset(self) -> None:
        """Close the breaker and clear its metrics and trip count."""
        self._manual(BreakerState.CLOSED, "manual reset")

    def force_open(self) -> None:
        """Reject every call until :meth:`reset` (``retry_after`` is ``None``)."""
        self._manual(BreakerState.FORCED_OPEN, "forced open")

    def disable(self) -> None:
        """Let every call through and record nothing until :meth:`reset`."""
        self._manual(BreakerState.DISABLED, "disabled")

    def __repr__(self) -> str:
        return f"<CircuitBreaker {self.name!r} {self._state.value}>"
