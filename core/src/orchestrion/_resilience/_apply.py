"""One step's policy applied to its call: fallback(retry(breaker(timeout(call)))).

The engine builds a :class:`PolicyRunner` once per step (policies merged,
exception names resolved, the breaker looked up) and awaits
:meth:`PolicyRunner.run` for every call of the step. ``run`` never raises for
a component failure: it returns an :class:`Outcome` that says whether the step
succeeded, was served by a fallback (``degraded``) or failed, with the original
error and the failure records. Cancellation always propagates, untouched: it
is never retried, never counted by the breaker and never handed to a fallback.

Fast path: with one attempt, no attempt timeout and no breaker the call is
awaited directly; the policy costs one small object per call. A caller on a
hot path (the engine's call seam) may also run the first attempt itself when
:attr:`PolicyRunner.inline` is true (no attempt timeout): through
:attr:`PolicyRunner.breaker` (``acquire`` and ``on_result`` never await), then
hand a failure over to :meth:`PolicyRunner.recover`. Retry machinery is then
entered only after a first failure.

Hooks: ``on_retry`` (constructor default, or per call) is told about every
retry before its backoff wait, as a :class:`RetryNotice`; breaker transitions
are reported by the :class:`BreakerRegistry` observers.
"""

from __future__ import annotations

import inspect
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ..protocols import StepInfo
from ._breaker import CircuitBreaker
from ._breakers import BreakerRegistry
from ._failures import FailureLog, FailureRecord, failure_record
from ._policy import (
    BreakerPolicy,
    FallbackPolicy,
    Policy,
    RetryPolicy,
    TimeoutPolicy,
    check_policy,
)
from ._retry import RetryPlan
from ._timeout import with_attempt_timeout

__all__ = ["FallbackHooks", "Outcome", "PolicyRunner", "RetryNotice", "RetryObserver"]

Status = Literal["succeeded", "degraded", "failed"]


class FallbackHooks(Protocol):
    """What the runner needs from a plugin set to ask ``provide_fallback``
    (:class:`orchestrion._plugins._manager.PluginSet` fits)."""

    def implementations(self, hook: str) -> list[Any]:
        """The hook's implementations in call order."""
        ...

    def call_impl(self, hook: str, impl: Any, **kwargs: Any) -> Any:
        """Call one implementation."""
        ...


@dataclass(slots=True)
class Outcome:
    """How one call of a step ended under its policy.

    ``status`` is ``succeeded``, ``degraded`` (a fallback produced ``value``;
    ``fallback`` says which: ``component:<type>`` or ``plugin:<name>``) or
    ``failed``. ``error`` is the step's own final error when it did not simply
    succeed; ``attempts`` counts the step's attempts (breaker rejections
    included); ``failures`` holds the newest failure records of this call.
    """

    status: Status
    value: Any = None
    attempts: int = 1
    fallback: str | None = None
    error: Exception | None = None
    failures: tuple[FailureRecord, ...] = field(default=())

    @property
    def degraded(self) -> bool:
        """True when a fallback produced the value."""
        return self.status == "degraded"


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """Attempt ``attempt`` of ``step`` failed with ``error`` and will be retried
    after at least ``wait`` seconds (jitter may add to it)."""

    step: StepInfo
    component: str
    attempt: int
    error: Exception
    wait: float


#: Told about each retry before its wait; must not block (publish, count, log).
RetryObserver = Callable[[RetryNotice], None]


class _Call:
    """Bookkeeping of one :meth:`PolicyRunner.run`."""

    __slots__ = ("attempts", "data", "failures", "log", "step")

    def __init__(self, step: StepInfo, data: Any, keep: int, log: FailureLog | None) -> None:
        self.step = step
        self.data = data
        self.log = log
        self.attempts = 0
        self.failures: deque[FailureRecord] = deque(maxlen=keep)

    def record(
        self, exc: BaseException, *, component: str, attempt: int, fallback: str | None = None
    ) -> None:
        info = self.step
        record = failure_record(
            exc,
            run_id=info.run_id,
            step=info.step,
            item=info.item,
            component=component,
            attempt=attempt,
            data=self.data,
            fallback=fallback,
        )
        self.failures.append(record)
        if self.log is not None:
            self.log.extend((record,))


class PolicyRunner:
    """A step's merged :class:`Policy`, ready to apply to each call.

    :param policy: the merged policy (unset blocks use their defaults).
    :param component: the step's component type; names its breaker.
    :param breakers: the orchestrator's breakers; ``None`` runs without one.
    :param failure_log: the orchestrator's failure log, extended on failures.
    :param keep_failures: at most this many records per call (newest kept).
    :param on_retry: told about every retry of every call (a call may
        override it), before the backoff wait.
    :raises ConfigError: when the policy is inconsistent or names exception
        types that cannot be resolved, or the breaker settings conflict.
    """

    def __init__(
        self,
        policy: Policy | None = None,
        *,
        component: str,
        breakers: BreakerRegistry | None = None,
        failure_log: FailureLog | None = None,
        keep_failures: int = 16,
        on_retry: RetryObserver | None = None,
    ) -> None:
        policy = policy or Policy()
        check_policy(policy)
        self.policy = policy
        self.component = component
        self._retry = RetryPlan(policy.retry or RetryPolicy())
        self._limit = (policy.timeout or TimeoutPolicy()).attempt
        breaker_policy = policy.breaker or BreakerPolicy()
        self.breaker: CircuitBreaker | None = None
        if breakers is not None and breaker_policy.enabled:
            self.breaker = breakers.get(component, breaker_policy)
        fallback = policy.fallback or FallbackPolicy()
        self._alternatives = fallback.components
        self._ask_plugins = fallback.plugins
        self._log = failure_log
        self._keep = keep_failures
        self.on_retry = on_retry
        self.inline = self._limit is None
        """True when a caller may run the first attempt itself (no attempt
        timeout): through :attr:`breaker` if set, then :meth:`recover` on failure."""
        self.direct = self._retry.single and self.inline and self.breaker is None
        """True when the call is awaited as is (one attempt, no timeout, no breaker)."""

    async def run(
        self,
        call: Callable[[int], Awaitable[Any]],
        *,
        step: StepInfo,
        data: Any = None,
        alternative: Callable[[str], Awaitable[Any]] | None = None,
        plugins: FallbackHooks | None = None,
        on_retry: RetryObserver | None = None,
    ) -> Outcome:
        """Apply the policy to ``call`` (awaited with the attempt number, from 1).

        :param step: which step runs, for records and ``provide_fallback``.
        :param data: the step's input, handed to ``provide_fallback`` only.
        :param alternative: runs an alternative component type by name, for
            ``fallback.components``; ``None`` skips them.
        :param plugins: asked ``provide_fallback`` after the alternatives.
        :param on_retry: overrides the runner's ``on_retry`` for this call.
        :returns: the :class:`Outcome`; component failures never raise.
        """
        # The first attempt runs here, outside the retry machinery, so that a
        # call that succeeds at once pays only for the breaker and the timeout.
        start = time.monotonic()
        try:
            if self.direct:
                return Outcome("succeeded", await call(1))
            return Outcome("succeeded", await self._attempt(call, 1, step))
        except Exception as exc:
            first = exc
        return await self.recover(
            call,
            first,
            start=start,
            step=step,
            data=data,
            alternative=alternative,
            plugins=plugins,
            on_retry=on_retry,
        )

    async def recover(
        self,
        call: Callable[[int], Awaitable[Any]],
        first: Exception,
        *,
        start: float,
        step: StepInfo,
        data: Any = None,
        alternative: Callable[[str], Awaitable[Any]] | None = None,
        plugins: FallbackHooks | None = None,
        on_retry: RetryObserver | None = None,
    ) -> Outcome:
        """Continue a call whose first attempt failed with ``first``: record it,
        retry from attempt 2 (through breaker and timeout) when the policy
        allows, then fall back. Arguments as for :meth:`run`; ``start`` is when
        attempt 1 started (``time.monotonic``), for the total retry timeout.

        A caller that ran attempt 1 itself must have reported it to
        :attr:`breaker` already (a :class:`CircuitOpenError` from ``acquire``
        is a first failure too).
        """
        state = _Call(step, data, self._keep, self._log)
        state.attempts = 1
        state.record(first, component=self.component, attempt=1)
        component = self.component

        async def attempt(number: int) -> Any:
            state.attempts = number
            try:
                return await self._attempt(call, number, step)
            except Exception as exc:
                state.record(exc, component=component, attempt=number)
                raise

        observer = on_retry or self.on_retry
        notify: Callable[[Exception, int, float], None] | None = None
        if observer is not None:

            def notify(error: Exception, number: int, wait: float) -> None:
                observer(RetryNotice(step, component, number, error, wait))

        try:
            value = await self._retry.resume(attempt, first, start, notify)
        except Exception as exc:
            return await self._fall_back(exc, state, alternative, plugins)
        return Outcome("succeeded", value, state.attempts, failures=tuple(state.failures))

    async def _attempt(
        self, call: Callable[[int], Awaitable[Any]], number: int, step: StepInfo
    ) -> Any:
        """breaker(timeout(call)) for one attempt."""
        limit = self._limit
        breaker = self.breaker
        if breaker is None:
            if limit is None:
                return await call(number)
            return await with_attempt_timeout(
                call, number, limit, step=step.step, component=self.component
            )
        permit = breaker.acquire()
        try:
            if limit is None:
                result = await call(number)
            else:
                result = await with_attempt_timeout(
                    call, number, limit, step=step.step, component=self.component
                )
        except BaseException as exc:
            breaker.on_result(permit, exc)
            raise
        breaker.on_result(permit)
        return result

    async def _fall_back(
        self,
        error: Exception,
        state: _Call,
        alternative: Callable[[str], Awaitable[Any]] | None,
        plugins: FallbackHooks | None,
    ) -> Outcome:
        """Alternatives in order, then ``provide_fallback``, then failure."""
        if alternative is not None:
            for name in self._alternatives:
                label = f"component:{name}"
                try:
                    value = await alternative(name)
                except Exception as exc:
                    state.record(exc, component=name, attempt=0, fallback=label)
                    continue
                return self._done("degraded", value, error, state, label)
        if self._ask_plugins and plugins is not None:
            for impl in plugins.implementations("provide_fallback"):
                label = f"plugin:{impl.plugin_name}"
                try:
                    answer = plugins.call_impl(
                        "provide_fallback", impl, step=state.step, data=state.data, error=error
                    )
                    if inspect.isawaitable(answer):
                        answer = await answer
                except Exception as exc:
                    state.record(exc, component=self.component, attempt=0, fallback=label)
                    continue
                if answer is not None:
                    return self._done("degraded", answer, error, state, label)
        return self._done("failed", None, error, state, None)

    def _done(
        self, status: Status, value: Any, error: Exception, state: _Call, fallback: str | None
    ) -> Outcome:
        return Outcome(
            status,
            value,
            max(state.attempts, 1),
            fallback=fallback,
            error=error,
            failures=tuple(state.failures),
        )
