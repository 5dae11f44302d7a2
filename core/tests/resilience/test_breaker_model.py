"""The CLOSED-state window agrees with a naive model on any sequence of calls."""

from __future__ import annotations

from collections import deque

from hypothesis import given
from hypothesis import strategies as st

from orchestrion import BreakerState

from ._helpers import Down, FakeClock, make_breaker, state_of

calls = st.lists(st.tuples(st.booleans(), st.sampled_from([0.0, 1.0, 2.0])), max_size=60)


@given(
    outcomes=calls,
    window=st.integers(1, 8),
    minimum=st.integers(1, 8),
    failure_rate=st.sampled_from([10.0, 25.0, 50.0, 60.0, 100.0]),
    slow_rate=st.sampled_from([30.0, 50.0, 100.0]),
)
def test_window_matches_a_naive_model(
    outcomes: list[tuple[bool, float]],
    window: int,
    minimum: int,
    failure_rate: float,
    slow_rate: float,
) -> None:
    """Counts, rates and the moment of tripping match a list of the last N calls."""
    minimum = min(minimum, window)
    clock = FakeClock()
    breaker = make_breaker(
        clock,
        window=window,
        minimum_calls=minimum,
        failure_rate=failure_rate,
        slow_call_duration=1.0,
        slow_call_rate=slow_rate,
    )
    model: deque[tuple[bool, bool]] = deque(maxlen=window)
    for failed, took in outcomes:
        permit = breaker.acquire()
        clock.advance(took)
        breaker.on_result(permit, Down("x") if failed else None)
        model.append((failed, took > 1.0))
        failures = sum(f for f, _ in model)
        slow = sum(s for _, s in model)
        metrics = breaker.metrics()
        assert (metrics.calls, metrics.failures, metrics.slow_calls) == (len(model), failures, slow)
        trips = len(model) >= minimum and (
            failures * 100 >= failure_rate * len(model) or slow * 100 >= slow_rate * len(model)
        )
        assert state_of(breaker) is (BreakerState.OPEN if trips else BreakerState.CLOSED)
        if trips:
            break
