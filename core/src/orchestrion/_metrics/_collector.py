"""Counting calls, outcomes and latencies per component type, and run totals.

An orchestrator's :class:`MetricsRecorder` is fed once per run, from the
:class:`RunResult` that :meth:`Orchestrator.run` returns (every step and
fan-out item outcome is in it), and by its breaker registry's observer (every
transition). Nothing is counted per attempt inside the engine's hot loop, so a
run costs one pass over its results. Breaker states and pool figures are read
from the live objects when a snapshot is taken.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from ._histogram import BOUNDS, Histogram
from ._model import (
    BreakerStats,
    CallStats,
    Latency,
    MetricsSnapshot,
    PoolStats,
    RunStats,
    StreamTotals,
)

if TYPE_CHECKING:
    from .._engine._results import ItemResult, RunResult
    from .._registry import Registry
    from .._resilience._breaker_state import BreakerTransition
    from .._resilience._failures import FailureRecord

__all__ = [
    "LATENCY_SAMPLE",
    "MAX_STREAMS",
    "Counter",
    "MetricsRecorder",
    "call_stats",
    "capability_stats",
    "stream_totals",
]

# Statuses of a call that ran; skipped and cancelled ones say nothing.
_RAN = frozenset({"succeeded", "degraded", "failed"})

#: Streams a snapshot reports (the newest); older ones are forgotten.
MAX_STREAMS = 64

#: Most item latencies of one fan-out step observed per run (see ``add_items``).
LATENCY_SAMPLE = 256


class Counter:
    """Mutable call counts and a latency histogram of one component type."""

    __slots__ = ("attempts", "calls", "degraded", "failures", "fallbacks", "hist", "successes")

    def __init__(self) -> None:
        self.calls = self.successes = self.failures = self.degraded = 0
        self.attempts = self.fallbacks = 0
        self.hist = Histogram()

    def add(self, status: str, attempts: int, duration: float | None, fallback: bool) -> None:
        """Count one call that ended ``status`` after ``attempts`` attempts."""
        self.calls += 1
        if status == "succeeded":
            self.successes += 1
        elif status == "degraded":
            self.degraded += 1
        else:
            self.failures += 1
        self.attempts += attempts
        if fallback:
            self.fallbacks += 1
        if duration is not None:
            self.hist.observe(duration)

    def add_items(self, items: Sequence[ItemResult]) -> None:
        """Count the fan-out items of one step: every item's outcome exactly,
        the latencies of at most :data:`LATENCY_SAMPLE` evenly spaced items,
        each weighted by the items it stands for (so a 10,000-item fan-out
        costs a counting loop, not 10,000 histogram updates)."""
        ok = degraded = failed = attempts = fallbacks = 0
        for item in items:
            status = item.status
            if status == "succeeded":
                ok += 1
            elif status == "failed":
                failed += 1
            elif status == "degraded":
                degraded += 1
                if item.fallback is not None:
                    fallbacks += 1
            else:
                continue
            attempts += item.attempts
        self.calls += ok + failed + degraded
        self.successes += ok
        self.failures += failed
        self.degraded += degraded
        self.attempts += attempts
        self.fallbacks += fallbacks
        n = len(items)
        stride = -(-n // LATENCY_SAMPLE)
        hist = self.hist
        for index in range(0, n, stride):
            item = items[index]
            if item.duration is not None and item.status in _RAN:
                hist.observe(item.duration, min(stride, n - index))

    def merge(self, other: Counter) -> None:
        """Add ``other``'s counts."""
        self.calls += other.calls
        self.successes += other.successes
        self.failures += other.failures
        self.degraded += other.degraded
        self.attempts += other.attempts
        self.fallbacks += other.fallbacks
        self.hist.merge(other.hist)


def call_stats(counter: Counter) -> CallStats:
    """The snapshot model of ``counter``."""
    return CallStats(
        calls=counter.calls,
        successes=counter.successes,
        failures=counter.failures,
        degraded=counter.degraded,
        attempts=counter.attempts,
        # Each call's first attempt is not a retry; a call that never got an
        # attempt (its breaker was open) has none either.
        retries=max(counter.attempts - counter.calls, 0),
        fallbacks=counter.fallbacks,
        latency=Latency.of(counter.hist),
    )


def capability_stats(
    counters: dict[str, Counter], registry: Registry | None
) -> dict[str, CallStats]:
    """Counters summed over the component types providing each capability."""
    if registry is None:
        return {}
    merged: dict[str, Counter] = {}
    for name, counter in counters.items():
        ctype = registry.components.items.get(name)
        for capability in ctype.capabilities if ctype is not None else ():
            merged.setdefault(capability, Counter()).merge(counter)
    return {name: call_stats(c) for name, c in sorted(merged.items())}


class RunCounter:
    """Run totals: count by status, steps, items and a duration histogram."""

    __slots__ = ("by_status", "hist", "items", "runs", "steps")

    def __init__(self) -> None:
        self.runs = self.steps = self.items = 0
        self.by_status: dict[str, int] = {}
        self.hist = Histogram()

    def add(self, status: str, steps: int, items: int, duration: float | None) -> None:
        """Count one finished run."""
        self.runs += 1
        self.by_status[status] = self.by_status.get(status, 0) + 1
        self.steps += steps
        self.items += items
        if duration is not None:
            self.hist.observe(duration)

    def stats(self) -> RunStats:
        """The snapshot model."""
        return RunStats(
            runs=self.runs,
            by_status=dict(sorted(self.by_status.items())),
            steps=self.steps,
            items=self.items,
            duration=Latency.of(self.hist),
        )


class MetricsRecorder:
    """One orchestrator's metrics (thread-safe; see the module docstring)."""

    def __init__(self) -> None:
        self.since = datetime.now(UTC)
        self._lock = threading.Lock()
        self._components: dict[str, Counter] = {}
        self._runs = RunCounter()
        self._transitions: dict[str, dict[str, int]] = {}
        self._last_error: dict[str, FailureRecord] = {}
        self._streams: OrderedDict[str, Callable[[], Any]] = OrderedDict()

    def record_run(self, result: RunResult) -> None:
        """Count every step (per item for fan-out steps) of a finished run.

        This runs after every run, so the per-step path is written out inline
        (about 1 µs per step here; see ``docs/operations.md``).
        """
        with self._lock:
            components = self._components
            for step in result.steps.values():
                name = step.component
                counter = components.get(name)
                if counter is None:
                    counter = components[name] = Counter()
                items = step.items
                if items:
                    counter.add_items(items)
                    continue
                status = step.status
                if status == "succeeded":
                    counter.successes += 1
                elif status == "failed":
                    counter.failures += 1
                elif status == "degraded":
                    counter.degraded += 1
                    if step.fallback is not None:
                        counter.fallbacks += 1
                else:
                    continue
                counter.calls += 1
                counter.attempts += step.attempts
                duration = step.duration
                if duration is not None:  # Histogram.observe, inlined
                    hist = counter.hist
                    hist.counts[bisect_left(BOUNDS, duration)] += 1
                    hist.sum += duration
                    if duration < hist.min:
                        hist.min = duration
                    if duration > hist.max:
                        hist.max = duration
            self._runs.add(result.status, result.totals.steps, result.totals.items, result.duration)
            for failure in result.failures:  # oldest first: the newest wins
                self._last_error[failure.component] = failure

    def track_stream(self, name: str, stats: Callable[[], Any]) -> None:
        """Report stream ``name`` in snapshots, reading ``stats()`` (its
        :class:`StreamStats`) each time; the :data:`MAX_STREAMS` newest kept."""
        with self._lock:
            streams = self._streams
            streams.pop(name, None)
            streams[name] = stats
            while len(streams) > MAX_STREAMS:
                streams.popitem(last=False)

    def breaker_transition(self, transition: BreakerTransition) -> None:
        """Count one breaker transition (the breaker registry's observer)."""
        state = str(getattr(transition.to_state, "value", transition.to_state))
        with self._lock:
            seen = self._transitions.setdefault(transition.breaker, {})
            seen[state] = seen.get(state, 0) + 1

    def last_error(self, component: str) -> FailureRecord | None:
        """The newest failure recorded for ``component`` (type and a message
        screened for payloads), if any."""
        with self._lock:
            return self._last_error.get(component)

    def snapshot(
        self,
        *,
        registry: Registry | None = None,
        breakers: Iterable[Any] = (),
        pools: Iterable[Any] = (),
        source: Literal["live", "state_store"] = "live",
        notes: Iterable[str] = (),
    ) -> MetricsSnapshot:
        """The current figures, with the live ``breakers`` (circuit breakers)
        and ``pools`` (component pools) read now."""
        with self._lock:
            components = {n: call_stats(c) for n, c in sorted(self._components.items())}
            capabilities = capability_stats(self._components, registry)
            runs = self._runs.stats()
            transitions = {n: dict(t) for n, t in self._transitions.items()}
            streams = list(self._streams.items())
        return MetricsSnapshot(
            source=source,
            taken_at=datetime.now(UTC),
            since=self.since,
            components=components,
            capabilities=capabilities,
            breakers=breaker_stats(breakers, transitions),
            pools=pool_stats(pools),
            runs=runs,
            streams={name: stream_totals(stats()) for name, stats in streams},
            notes=list(notes),
        )

    def merge_counts(self, counters: dict[str, Counter], runs: RunCounter) -> None:
        """Add counts gathered elsewhere (e.g. from a state store)."""
        with self._lock:
            for name, counter in counters.items():
                self._components.setdefault(name, Counter()).merge(counter)
            mine = self._runs
            mine.runs += runs.runs
            mine.steps += runs.steps
            mine.items += runs.items
            mine.hist.merge(runs.hist)
            for status, n in runs.by_status.items():
                mine.by_status[status] = mine.by_status.get(status, 0) + n


def breaker_stats(
    breakers: Iterable[Any], transitions: dict[str, dict[str, int]]
) -> dict[str, BreakerStats]:
    """Each circuit breaker's metrics now, with the transitions counted."""
    out: dict[str, BreakerStats] = {}
    for breaker in breakers:
        m = breaker.metrics()
        out[breaker.name] = BreakerStats(
            state=str(m.state.value),
            calls=m.calls,
            failure_rate=m.failure_rate,
            slow_call_rate=m.slow_call_rate,
            trips=m.trips,
            retry_after=m.retry_after,
            transitions=transitions.get(breaker.name, {}),
        )
    return dict(sorted(out.items()))


def pool_stats(pools: Iterable[Any]) -> dict[str, PoolStats]:
    """Component pool figures per component type."""
    acc: dict[str, list[int]] = {}
    for pool in pools:
        row = acc.setdefault(pool.type.name, [0, 0, 0, 0, 0])
        row[0] += 1
        row[1] = max(row[1], pool.size)
        row[2] += len(pool.instances)
        row[3] += sum(i.busy for i in pool.instances)
        row[4] += getattr(pool, "waits", 0)
    return {
        name: PoolStats(pools=r[0], size=r[1], instances=r[2], busy=r[3], waits=r[4])
        for name, r in sorted(acc.items())
    }


def stream_totals(stats: Any) -> StreamTotals:
    """The snapshot model of a :class:`StreamStats`."""
    return StreamTotals(
        records_in=stats.records_in,
        records_out=stats.records_out,
        errors=stats.errors,
        dead_lettered=stats.dead_lettered,
        in_flight=stats.in_flight,
        throughput=stats.throughput,
        p50=stats.p50,
        p95=stats.p95,
        p99=stats.p99,
        elapsed=stats.elapsed,
    )
