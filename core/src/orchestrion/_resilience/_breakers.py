"""The breakers of one orchestrator, one per component type."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from ..exceptions import ConfigError
from ._breaker import CircuitBreaker
from ._breaker_state import BreakerTransition
from ._policy import BreakerPolicy

__all__ = ["BreakerRegistry"]


class BreakerRegistry:
    """Creates and keeps one :class:`CircuitBreaker` per component type, shared
    by every run of one orchestrator (never between orchestrators).

    :param clock: monotonic seconds for every breaker; inject one in tests.
    :param on_transition: called with every transition of every breaker.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_transition: Callable[[BreakerTransition], None] | None = None,
    ) -> None:
        self._clock = clock
        self._observers: list[Callable[[BreakerTransition], None]] = []
        if on_transition is not None:
            self._observers.append(on_transition)
        self._breakers: dict[str, CircuitBreaker] = {}

    def subscribe(self, observer: Callable[[BreakerTransition], None]) -> None:
        """Also report every transition to ``observer`` (e.g. the event bus)."""
        self._observers.append(observer)

    def _notify(self, transition: BreakerTransition) -> None:
        for observer in self._observers:
            observer(transition)

    def get(self, name: str, policy: BreakerPolicy | None = None) -> CircuitBreaker:
        """The breaker of component type ``name``, created with ``policy`` on
        first use.

        :raises ConfigError: when ``policy`` differs from the settings the
            breaker was created with: one component type has one breaker, so
            its settings must agree wherever it is used.
        """
        breaker = self._breakers.get(name)
        if breaker is None:
            breaker = CircuitBreaker(name, policy, clock=self._clock, on_transition=self._notify)
            self._breakers[name] = breaker
            return breaker
        if policy is not None and policy is not breaker.policy and not _same(policy, breaker):
            msg = (
                f"component type {name!r} already has a circuit breaker with other settings; "
                "one type has one breaker per orchestrator: set 'breaker' once (on the "
                "orchestrator) or make the steps using it agree"
            )
            raise ConfigError(msg, key="breaker")
        return breaker

    def find(self, name: str) -> CircuitBreaker | None:
        """The breaker of ``name`` if one was created, else ``None``."""
        return self._breakers.get(name)

    def __iter__(self) -> Iterator[CircuitBreaker]:
        return iter(list(self._breakers.values()))

    def __len__(self) -> int:
        return len(self._breakers)

    def reset_all(self) -> None:
        """Reset every breaker (CLOSED, metrics cleared)."""
        for breaker in self:
            breaker.reset()


def _same(policy: BreakerPolicy, breaker: CircuitBreaker) -> bool:
    # 'enabled' is per use: a step may bypass the breaker others share.
    a = policy.model_dump(exclude={"enabled"})
    b = breaker.policy.model_dump(exclude={"enabled"})
    return a == b
