"""One breaker per component type, shared, with one set of settings."""

from __future__ import annotations

import pytest

from orchestrion import (
    BreakerPolicy,
    BreakerRegistry,
    BreakerState,
    BreakerTransition,
    ConfigError,
)

from ._helpers import FakeClock, fail, state_of


def test_one_breaker_per_component_type() -> None:
    """Asking twice for the same type returns the same breaker; other types get their own."""
    registry = BreakerRegistry()
    policy = BreakerPolicy(window=5, minimum_calls=5)
    assert registry.get("a", policy) is registry.get("a", BreakerPolicy(window=5, minimum_calls=5))
    assert registry.get("b", policy) is not registry.get("a", policy)
    assert {b.name for b in registry} == {"a", "b"}
    assert registry.find("c") is None


def test_conflicting_settings_are_rejected() -> None:
    """A second, different breaker policy for one type is a ConfigError naming the type."""
    registry = BreakerRegistry()
    registry.get("svc", BreakerPolicy(window=5, minimum_calls=5))
    with pytest.raises(ConfigError, match="'svc'"):
        registry.get("svc", BreakerPolicy(window=6, minimum_calls=5))


@pytest.mark.anyio
async def test_transitions_reach_every_observer(clock: FakeClock) -> None:
    """Every breaker's transitions go to the registry's observers, with from/to states."""
    seen: list[BreakerTransition] = []
    later: list[BreakerTransition] = []
    registry = BreakerRegistry(clock=clock, on_transition=seen.append)
    registry.subscribe(later.append)
    breaker = registry.get("svc", BreakerPolicy(window=1, minimum_calls=1))
    await fail(breaker, clock)
    assert [(t.breaker, t.from_state, t.to_state) for t in seen] == [
        ("svc", BreakerState.CLOSED, BreakerState.OPEN)
    ]
    assert later == seen
    registry.reset_all()
    assert state_of(breaker) is BreakerState.CLOSED
