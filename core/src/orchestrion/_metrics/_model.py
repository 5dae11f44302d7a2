"""The metrics snapshot: what :meth:`Orchestrator.metrics` returns and what
``orchestrion metrics --json`` prints. Plain pydantic models, JSON-ready."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ._histogram import BOUNDS, Histogram

__all__ = [
    "BreakerStats",
    "CallStats",
    "Latency",
    "MetricsSnapshot",
    "PoolStats",
    "RunStats",
    "StreamTotals",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Latency(_Model):
    """A latency histogram's summary (seconds) and its bucket counts."""

    count: int = 0
    sum: float = Field(default=0.0, description="Seconds, all calls.")
    min: float | None = None
    max: float | None = None
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    buckets: list[int] = Field(
        default_factory=list,
        description="Calls per bucket: one per bound of 'bounds' (le, seconds), then +Inf.",
    )
    bounds: list[float] = Field(default_factory=lambda: list(BOUNDS))

    @classmethod
    def of(cls, hist: Histogram) -> Latency:
        """The summary of ``hist``."""
        if not hist.count:
            return cls(buckets=list(hist.counts))
        return cls(
            count=hist.count,
            sum=hist.sum,
            min=hist.min,
            max=hist.max,
            p50=hist.quantile(0.5),
            p95=hist.quantile(0.95),
            p99=hist.quantile(0.99),
            buckets=list(hist.counts),
        )


class CallStats(_Model):
    """Calls of one component type (or of every type providing one capability).

    A *call* is one step, or one fan-out item, that ran; its latency is the
    step's duration with every attempt and retry wait included.
    """

    calls: int = 0
    successes: int = Field(default=0, description="Calls that succeeded.")
    failures: int = Field(default=0, description="Calls that failed for good.")
    degraded: int = Field(default=0, description="Calls answered by a fallback.")
    attempts: int = Field(default=0, description="Attempts made, retries included.")
    retries: int = Field(default=0, description="Attempts beyond the first.")
    fallbacks: int = Field(default=0, description="Fallbacks that answered.")
    latency: Latency = Field(default_factory=Latency)


class BreakerStats(_Model):
    """One circuit breaker: its state, window figures and transitions."""

    state: str
    calls: int = Field(description="Calls in the current window (or trial calls).")
    failure_rate: float = Field(description="Percent of the window.")
    slow_call_rate: float = Field(description="Percent of the window.")
    trips: int = Field(description="Times it opened since its last reset.")
    retry_after: float | None = Field(default=None, description="Seconds until half-open.")
    transitions: dict[str, int] = Field(
        default_factory=dict, description="Transitions seen, by the state entered."
    )


class PoolStats(_Model):
    """The component pools of one component type."""

    pools: int = Field(description="Pools (one per distinct options).")
    size: int = Field(description="Most instances one pool may hold.")
    instances: int = Field(description="Instances made, all pools.")
    busy: int = Field(description="Calls in flight on them.")
    waits: int = Field(description="Calls that had to wait for a free instance.")


class RunStats(_Model):
    """Totals over every recorded run."""

    runs: int = 0
    by_status: dict[str, int] = Field(default_factory=dict)
    steps: int = Field(default=0, description="Steps, all runs.")
    items: int = Field(default=0, description="Fan-out items, all runs.")
    duration: Latency = Field(default_factory=Latency, description="Run durations.")


class StreamTotals(_Model):
    """One stream's totals (its :attr:`Stream.stats` when the snapshot was taken)."""

    records_in: int
    records_out: int
    errors: int
    dead_lettered: int
    in_flight: int
    throughput: float = Field(description="Results per second since the stream began.")
    p50: float | None = Field(default=None, description="Seconds, recent records.")
    p95: float | None = None
    p99: float | None = None
    elapsed: float = Field(description="Seconds since the stream began.")


class MetricsSnapshot(_Model):
    """A point-in-time view of an orchestrator's (or a state store's) metrics."""

    source: Literal["live", "state_store"] = Field(
        description="'live': this orchestrator's runs; 'state_store': stored past runs."
    )
    taken_at: datetime = Field(description="UTC.")
    since: datetime | None = Field(default=None, description="UTC; when counting began.")
    components: dict[str, CallStats] = Field(default_factory=dict)
    capabilities: dict[str, CallStats] = Field(default_factory=dict)
    breakers: dict[str, BreakerStats] = Field(default_factory=dict)
    pools: dict[str, PoolStats] = Field(default_factory=dict)
    runs: RunStats = Field(default_factory=RunStats)
    streams: dict[str, StreamTotals] = Field(
        default_factory=dict, description="The most recent streams of this orchestrator."
    )
    notes: list[str] = Field(
        default_factory=list, description="What this snapshot cannot show, and why."
    )
