"""Small helpers shared by the breaker tests."""

from __future__ import annotations

from orchestrion import BreakerPolicy, BreakerState, BreakerTransition, CircuitBreaker, StepInfo


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


class Down(Exception):
    """The failure a test component raises."""


def make_breaker(
    clock: FakeClock,
    transitions: list[BreakerTransition] | None = None,
    /,
    **settings: object,
) -> CircuitBreaker:
    """A breaker named 'svc' on the fake clock, with ``settings`` as its policy."""
    policy = BreakerPolicy.model_validate(settings)
    observer = transitions.append if transitions is not None else None
    return CircuitBreaker("svc", policy, clock=clock, on_transition=observer)


async def succeed(breaker: CircuitBreaker, clock: FakeClock, took: float = 0.0) -> str:
    """One call through ``breaker`` that succeeds after ``took`` fake seconds."""

    async def work() -> str:
        clock.advance(took)
        return "ok"

    return await breaker.call(work)


async def fail(
    breaker: CircuitBreaker, clock: FakeClock, took: float = 0.0, error: Exception | None = None
) -> None:
    """One call through ``breaker`` that raises ``error`` (``Down``) after ``took``."""

    async def work() -> str:
        clock.advance(took)
        raise error if error is not None else Down("service down")

    try:
        await breaker.call(work)
    except Exception as exc:
        if error is None and not isinstance(exc, Down):
            raise
        return
    raise AssertionError("the call should have failed")


def state_of(breaker: CircuitBreaker) -> BreakerState:
    """The breaker's state (a call, so type checkers do not pin it between checks)."""
    return breaker.state


def step_info(step: str = "fetch", component: str = "svc") -> StepInfo:
    """The StepInfo of a test step."""
    return StepInfo(run_id="run-1", step=step, component=component, item=None)


class Flaky:
    """A component call failing with the given errors in turn, then returning 'done'.

    ``calls`` lists the attempt numbers it was called with.
    """

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls: list[int] = []

    async def __call__(self, attempt: int) -> str:
        self.calls.append(attempt)
        if self.errors:
            raise self.errors.pop(0)
        return "done"
