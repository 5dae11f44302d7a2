"""Live health of component types, and choosing among providers of a capability.

Each orchestrator keeps one :class:`HealthBook`: success and failure counts and
an exponentially weighted moving average (EWMA) of call latency per component
type, fed after every step (:meth:`HealthBook.record`). :func:`choose` ranks
the component types that provide one capability: open breakers are skipped,
then the strategy orders the rest; equal figures fall back to registration
order (plugins register their preferred provider first), so the same figures
always give the same answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["BreakerState", "Candidate", "Choice", "HealthBook", "HealthStats", "Strategy", "choose"]

Strategy = Literal["first", "fastest", "most_reliable"]
BreakerState = Literal["closed", "open", "half_open"]
STRATEGIES: tuple[Strategy, ...] = ("first", "fastest", "most_reliable")

# Weight of the newest latency sample: 0.2 follows a change within ~10 calls
# while one slow outlier moves the average by only a fifth of its excess.
DEFAULT_ALPHA = 0.2


@dataclass(frozen=True, slots=True)
class HealthStats:
    """One component type's figures: calls, failures and EWMA latency (seconds)."""

    calls: int = 0
    failures: int = 0
    latency: float | None = None

    @property
    def successes(self) -> int:
        """Calls that succeeded."""
        return self.calls - self.failures

    @property
    def success_rate(self) -> float:
        """Laplace-smoothed success rate, ``(successes + 1) / (calls + 2)``: 0.5
        with no calls, so an untried provider ranks between good and bad ones."""
        return (self.successes + 1) / (self.calls + 2)


class HealthBook:
    """Per-orchestrator health figures of component types (thread-safe)."""

    def __init__(self, *, alpha: float = DEFAULT_ALPHA) -> None:
        if not 0 < alpha <= 1:
            msg = f"alpha must be in (0, 1], got {alpha}"
            raise ValueError(msg)
        self.alpha = alpha
        self._stats: dict[str, HealthStats] = {}
        # Component types whose health check failed, with why (issue 10).
        self._unhealthy: dict[str, str] = {}
        # Steps of one run may finish on worker threads (sync components).
        self._lock = threading.Lock()

    def record(self, component: str, ok: bool, duration: float) -> None:
        """Count one finished call of ``component``: whether it succeeded and how
        long it took in seconds. The engine calls this after every step."""
        with self._lock:
            old = self._stats.get(component, HealthStats())
            latency = (
                duration
                if old.latency is None
                else old.latency + self.alpha * (duration - old.latency)
            )
            self._stats[component] = HealthStats(
                old.calls + 1, old.failures + (0 if ok else 1), latency
            )

    def mark(self, component: str, healthy: bool, reason: str = "") -> bool:
        """Record a health check's verdict on ``component``: an unhealthy one is
        skipped by :func:`choose` until marked healthy. Returns whether its
        mark changed (callers then invalidate cached routes)."""
        with self._lock:
            if healthy:
                return self._unhealthy.pop(component, None) is not None
            changed = component not in self._unhealthy
            self._unhealthy[component] = reason or "health check failed"
            return changed

    def unhealthy(self, component: str) -> str | None:
        """Why ``component`` is marked unhealthy, or ``None``."""
        return self._unhealthy.get(component)

    def stats(self, component: str) -> HealthStats:
        """The figures of ``component`` (zeros when it never ran)."""
        return self._stats.get(component, HealthStats())

    def snapshot(self) -> dict[str, HealthStats]:
        """All figures, by component type."""
        with self._lock:
            return dict(self._stats)

    def reset(self, component: str | None = None) -> None:
        """Forget the figures of one component type, or of all."""
        with self._lock:
            if component is None:
                self._stats.clear()
            else:
                self._stats.pop(component, None)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One provider considered for a capability, with the figures that ranked it."""

    component: str
    breaker: BreakerState
    calls: int
    success_rate: float
    latency_ms: float | None
    skipped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "component": self.component,
            "breaker": self.breaker,
            "calls": self.calls,
            "success_rate": round(self.success_rate, 4),
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 3),
            "skipped": self.skipped,
        }


@dataclass(frozen=True, slots=True)
class Choice:
    """Which provider was chosen for a capability, by which strategy, and why."""

    capability: str
    chosen: str
    strategy: Strategy
    candidates: tuple[Candidate, ...]
    why: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "capability": self.capability,
            "chosen": self.chosen,
            "strategy": self.strategy,
            "why": self.why,
            "candidates": [c.to_dict() for c in self.candidates],
        }


def _rank(strategy: Strategy, order: int, c: Candidate) -> tuple[Any, ...]:
    # Half-open breakers are usable (a trial call is how they close) but only
    # when no closed provider is left, so they sort behind every closed one.
    half = c.breaker == "half_open"
    slow = float("inf") if c.latency_ms is None else c.latency_ms
    if strategy == "first":
        return (half, order, c.component)
    if strategy == "fastest":
        return (half, slow, -c.success_rate, order, c.component)
    return (half, -c.success_rate, slow, order, c.component)


def choose(
    capability: str,
    providers: Sequence[str],
    *,
    strategy: Strategy,
    health: HealthBook,
    breaker_state: Callable[[str], BreakerState],
) -> Choice:
    """Pick one of ``providers`` (in registration order) for ``capability``.

    Providers whose breaker is open are skipped; if every breaker is open the
    one ranked best anyway is chosen (its breaker will reject the call fast and
    the step's fallback policy applies), and the explanation says so.
    """
    candidates = []
    for name in providers:
        stats = health.stats(name)
        state = breaker_state(name)
        candidates.append(
            Candidate(
                component=name,
                breaker=state,
                calls=stats.calls,
                success_rate=stats.success_rate,
                latency_ms=None if stats.latency is None else stats.latency * 1000,
                skipped="breaker open" if state == "open" else _unhealthy(health, name),
            )
        )
    order = {c.component: i for i, c in enumerate(candidates)}
    usable = [c for c in candidates if c.skipped is None]
    pool = usable or candidates
    ranked = sorted(pool, key=lambda c: _rank(strategy, order[c.component], c))
    best = ranked[0]
    why = _why(strategy, best, ranked, all_open=not usable)
    return Choice(capability, best.component, strategy, tuple(candidates), why)


def _unhealthy(health: HealthBook, name: str) -> str | None:
    reason = health.unhealthy(name)
    return None if reason is None else f"unhealthy: {reason}"


def _why(strategy: Strategy, best: Candidate, ranked: list[Candidate], *, all_open: bool) -> str:
    figures = f"success rate {best.success_rate:.3f} over {best.calls} call(s), latency " + (
        "unmeasured" if best.latency_ms is None else f"{best.latency_ms:.3f} ms"
    )
    if all_open:
        return f"every provider's breaker is open; {best.component!r} ranks best by {strategy}"
    if len(ranked) == 1:
        return f"the only provider with a usable breaker ({figures})"
    runner = ranked[1]
    key = {
        "first": "registered first",
        "fastest": "lowest latency",
        "most_reliable": "highest success rate",
    }[strategy]
    return f"{key} ({figures}); next was {runner.component!r}"
