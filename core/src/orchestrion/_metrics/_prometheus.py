"""Prometheus text format for a metrics snapshot, through ``prometheus-client``.

The optional extra ``orchestrion[prometheus]`` installs the library; this
module is imported only when Prometheus output is asked for. A custom
collector reads a fresh :class:`MetricsSnapshot` on every scrape, so nothing
is counted twice and the hot path never touches the library.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..exceptions import ConfigError

try:
    from prometheus_client import CollectorRegistry, generate_latest, start_http_server
    from prometheus_client.core import (
        CounterMetricFamily,
        GaugeMetricFamily,
        HistogramMetricFamily,
    )
    from prometheus_client.registry import Collector
except ImportError:  # pragma: no cover - exercised only without the extra
    msg = (
        "Prometheus output needs the prometheus-client library; "
        "install it with: pip install 'orchestrion[prometheus]'"
    )
    raise ConfigError(msg) from None

if TYPE_CHECKING:
    from threading import Thread
    from wsgiref.simple_server import WSGIServer

    from ._model import CallStats, Latency, MetricsSnapshot

__all__ = ["MetricsServer", "SnapshotCollector", "prometheus_text", "serve"]

_BREAKER_STATES = ("closed", "open", "half_open", "forced_open", "disabled")


def _histogram(name: str, doc: str, labels: list[str]) -> HistogramMetricFamily:
    return HistogramMetricFamily(name, doc, labels=labels)


def _add_latency(family: HistogramMetricFamily, labels: list[str], latency: Latency) -> None:
    buckets: list[tuple[str, float]] = []
    total = 0
    for bound, n in zip(latency.bounds, latency.buckets, strict=False):
        total += n
        buckets.append((repr(bound), total))
    buckets.append(("+Inf", latency.count))
    family.add_metric(labels, buckets, latency.sum)


class SnapshotCollector(Collector):
    """A ``prometheus-client`` collector that reads ``snapshot()`` at each scrape."""

    def __init__(self, snapshot: Callable[[], MetricsSnapshot]) -> None:
        self._snapshot = snapshot

    def describe(self) -> list[Any]:
        """Nothing up front: registering must not take a snapshot."""
        return []

    def collect(self) -> Iterator[Any]:
        """Every metric family of a fresh snapshot."""
        snap = self._snapshot()
        yield from _calls("component", snap.components)
        yield from _calls("capability", snap.capabilities)
        yield from _breakers(snap)
        yield from _pools(snap)
        yield from _runs(snap)
        yield from _streams(snap)


_CALL_COUNTERS = (
    ("calls", "Calls (steps or fan-out items) that ran"),
    ("successes", "Calls that succeeded"),
    ("failures", "Calls that failed for good"),
    ("degraded", "Calls answered by a fallback"),
    ("attempts", "Attempts, retries included"),
    ("retries", "Attempts beyond the first"),
    ("fallbacks", "Fallbacks that answered"),
)


def _calls(label: str, stats: dict[str, CallStats]) -> Iterator[Any]:
    for field, doc in _CALL_COUNTERS:
        family = CounterMetricFamily(
            f"orchestrion_{label}_{field}", f"{doc}, per {label}.", labels=[label]
        )
        for name, s in stats.items():
            family.add_metric([name], getattr(s, field))
        yield family
    latency = _histogram(
        f"orchestrion_{label}_latency_seconds",
        f"Call duration (all attempts and retry waits), per {label}.",
        [label],
    )
    for name, s in stats.items():
        _add_latency(latency, [name], s.latency)
    yield latency


def _breakers(snap: MetricsSnapshot) -> Iterator[Any]:
    state = GaugeMetricFamily(
        "orchestrion_breaker_state",
        "1 for the circuit breaker's current state, 0 for the others.",
        labels=["component", "state"],
    )
    transitions = CounterMetricFamily(
        "orchestrion_breaker_transitions",
        "Breaker transitions, by the state entered.",
        labels=["component", "to"],
    )
    trips = GaugeMetricFamily(
        "orchestrion_breaker_trips",
        "Times the breaker opened since its last reset.",
        labels=["component"],
    )
    rate = GaugeMetricFamily(
        "orchestrion_breaker_failure_rate_percent",
        "Failure rate over the window.",
        labels=["component"],
    )
    for name, b in snap.breakers.items():
        for s in _BREAKER_STATES:
            state.add_metric([name, s], 1.0 if b.state == s else 0.0)
        for to, n in b.transitions.items():
            transitions.add_metric([name, to], n)
        trips.add_metric([name], b.trips)
        rate.add_metric([name], b.failure_rate)
    yield from (state, transitions, trips, rate)


def _pools(snap: MetricsSnapshot) -> Iterator[Any]:
    gauges = {
        "instances": GaugeMetricFamily(
            "orchestrion_pool_instances", "Pooled component instances.", labels=["component"]
        ),
        "busy": GaugeMetricFamily(
            "orchestrion_pool_busy", "Calls in flight on pooled instances.", labels=["component"]
        ),
        "size": GaugeMetricFamily(
            "orchestrion_pool_size", "Most instances one pool may hold.", labels=["component"]
        ),
    }
    waits = CounterMetricFamily(
        "orchestrion_pool_waits", "Calls that waited for a free instance.", labels=["component"]
    )
    for name, p in snap.pools.items():
        for key, family in gauges.items():
            family.add_metric([name], getattr(p, key))
        waits.add_metric([name], p.waits)
    yield from gauges.values()
    yield waits


def _runs(snap: MetricsSnapshot) -> Iterator[Any]:
    runs = CounterMetricFamily("orchestrion_runs", "Finished runs, by status.", labels=["status"])
    for status, n in snap.runs.by_status.items():
        runs.add_metric([status], n)
    yield runs
    yield CounterMetricFamily(
        "orchestrion_run_steps", "Steps of finished runs.", value=snap.runs.steps
    )
    yield CounterMetricFamily(
        "orchestrion_run_items", "Fan-out items of finished runs.", value=snap.runs.items
    )
    duration = _histogram("orchestrion_run_duration_seconds", "Run durations.", [])
    _add_latency(duration, [], snap.runs.duration)
    yield duration


def _streams(snap: MetricsSnapshot) -> Iterator[Any]:
    counters = {
        key: CounterMetricFamily(f"orchestrion_stream_{key}", doc, labels=["stream"])
        for key, doc in (
            ("records_in", "Records taken from the stream's source."),
            ("records_out", "Results taken by the stream's consumer."),
            ("errors", "Records that failed."),
            ("dead_lettered", "Failed records handed to the dead-letter sink."),
        )
    }
    in_flight = GaugeMetricFamily(
        "orchestrion_stream_in_flight", "Records being processed.", labels=["stream"]
    )
    throughput = GaugeMetricFamily(
        "orchestrion_stream_throughput", "Results per second since the start.", labels=["stream"]
    )
    latency = GaugeMetricFamily(
        "orchestrion_stream_latency_seconds",
        "Record latency percentiles over the most recent records.",
        labels=["stream", "quantile"],
    )
    for name, st in snap.streams.items():
        for key, family in counters.items():
            family.add_metric([name], getattr(st, key))
        in_flight.add_metric([name], st.in_flight)
        throughput.add_metric([name], st.throughput)
        for q, value in (("0.5", st.p50), ("0.95", st.p95), ("0.99", st.p99)):
            if value is not None:
                latency.add_metric([name, q], value)
    yield from counters.values()
    yield from (in_flight, throughput, latency)


def _registry(snapshot: Callable[[], MetricsSnapshot]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(snapshot))
    return registry


def prometheus_text(snapshot: MetricsSnapshot) -> str:
    """``snapshot`` in the Prometheus text exposition format."""
    return generate_latest(_registry(lambda: snapshot)).decode()


def serve(
    snapshot: Callable[[], MetricsSnapshot], *, host: str = "127.0.0.1", port: int = 9464
) -> tuple[WSGIServer, Thread]:
    """Serve ``snapshot()`` at ``http://host:port/metrics`` from a daemon thread;
    stop with ``server.shutdown()`` and ``server.server_close()``. Port 0 picks
    a free port (``server.server_port``)."""
    try:
        return start_http_server(port, addr=host, registry=_registry(snapshot))
    except OSError as exc:
        msg = f"cannot serve metrics on {host}:{port}: {exc.strerror or exc}; pick another --port"
        raise ConfigError(msg, key="--port") from None


class MetricsServer:
    """A running metrics endpoint (:meth:`Orchestrator.serve_metrics`): its
    ``url``; ``close()`` (or ``with``) stops it."""

    def __init__(self, snapshot: Callable[[], MetricsSnapshot], *, host: str, port: int) -> None:
        self._server, self._thread = serve(snapshot, host=host, port=port)
        self.host = host
        self.port: int = self._server.server_port

    @property
    def url(self) -> str:
        """Where Prometheus scrapes: ``http://HOST:PORT/metrics``."""
        return f"http://{self.host}:{self.port}/metrics"

    def close(self) -> None:
        """Stop serving and release the port (waits for the serving thread)."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> MetricsServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
