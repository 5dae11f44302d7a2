"""What a circuit breaker reports: its state, its transitions, its metrics."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["BreakerMetrics", "BreakerState", "BreakerTransition"]


class BreakerState(StrEnum):
    """The state of a :class:`CircuitBreaker`."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"
    FORCED_OPEN = "forced_open"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class BreakerTransition:
    """One state change, as reported to the breaker's observer.

    ``at`` is the breaker clock's time; ``retry_after`` the open period when
    entering OPEN; ``reason`` a short human explanation; the rates (percent)
    are those of the calls that decided it (the window, or the trial calls
    when leaving HALF_OPEN), ``None`` when no call was counted.
    """

    breaker: str
    from_state: BreakerState
    to_state: BreakerState
    at: float
    reason: str
    retry_after: float | None = None
    failure_rate: float | None = None
    slow_call_rate: float | None = None


@dataclass(frozen=True, slots=True)
class BreakerMetrics:
    """A snapshot of a breaker: state, window counts and rates (percent)."""

    state: BreakerState
    calls: int
    failures: int
    slow_calls: int
    failure_rate: float
    slow_call_rate: float
    trips: int
    retry_after: float | None
