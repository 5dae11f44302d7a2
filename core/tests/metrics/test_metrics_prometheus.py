"""Prometheus text format and the metrics HTTP endpoint (prometheus-client)."""

from __future__ import annotations

import urllib.request

import pytest
from metrics_kit import one_step, orchestrator

pytest.importorskip("prometheus_client")

from orchestrion._metrics._prometheus import prometheus_text, serve

pytestmark = pytest.mark.anyio


def samples(text: str) -> dict[str, float]:
    """``name{labels}`` -> value for every sample line of an exposition."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            out[key] = float(value)
    return out


async def test_snapshot_renders_as_prometheus_text() -> None:
    """Counters, latency histograms, breaker states and run totals appear with labels."""
    async with orchestrator() as orch:
        await orch.run(one_step("m.ok"), 1)
        await orch.run(one_step("m.ok"), 2)
        orch.breakers.get("m.ok").force_open()
        text = prometheus_text(orch.metrics())
    got = samples(text)
    assert got['orchestrion_component_calls_total{component="m.ok"}'] == 2
    assert got['orchestrion_capability_calls_total{capability="cap.work"}'] == 2
    assert got['orchestrion_component_latency_seconds_count{component="m.ok"}'] == 2
    assert got['orchestrion_component_latency_seconds_bucket{component="m.ok",le="+Inf"}'] == 2
    assert got['orchestrion_breaker_state{component="m.ok",state="forced_open"}'] == 1
    assert got['orchestrion_breaker_state{component="m.ok",state="closed"}'] == 0
    assert got['orchestrion_breaker_transitions_total{component="m.ok",to="forced_open"}'] == 1
    assert got['orchestrion_runs_total{status="succeeded"}'] == 2
    assert got["orchestrion_run_duration_seconds_count"] == 2
    assert got['orchestrion_pool_instances{component="m.ok"}'] == 1


async def test_histogram_buckets_are_cumulative() -> None:
    """Bucket counts never decrease with the bound and end at the total count."""
    async with orchestrator() as orch:
        for i in range(5):
            await orch.run(one_step("m.ok"), i)
        text = prometheus_text(orch.metrics())
    buckets = [
        value
        for key, value in samples(text).items()
        if key.startswith('orchestrion_component_latency_seconds_bucket{component="m.ok"')
    ]
    assert buckets == sorted(buckets)
    assert buckets[-1] == 5


def test_server_serves_a_fresh_snapshot_on_localhost() -> None:
    """serve() on port 0 binds 127.0.0.1; each scrape reads the snapshot anew."""
    orch = orchestrator()
    orch.run_sync(one_step("m.ok"), 1)
    server, thread = serve(orch.metrics, port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
        url = f"http://127.0.0.1:{server.server_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as response:
            first = samples(response.read().decode())
        orch.run_sync(one_step("m.ok"), 2)
        with urllib.request.urlopen(url, timeout=5) as response:
            second = samples(response.read().decode())
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        orch.close()
    key = 'orchestrion_component_calls_total{component="m.ok"}'
    assert (first[key], second[key]) == (1, 2)


async def test_streams_are_exported() -> None:
    """A stream's record counters and latency percentiles appear, labelled by stream."""
    async with orchestrator() as orch:
        async with orch.stream(range(5), workflow=one_step("m.ok"), name="nums") as results:
            async for _ in results:
                pass
        got = samples(prometheus_text(orch.metrics()))
    assert got['orchestrion_stream_records_out_total{stream="nums"}'] == 5
    assert got['orchestrion_stream_errors_total{stream="nums"}'] == 0
    assert 'orchestrion_stream_latency_seconds{quantile="0.5",stream="nums"}' in got


def test_orchestrator_serves_its_live_metrics() -> None:
    """Orchestrator.serve_metrics(port=0) serves this process's snapshot, breakers included."""
    with orchestrator() as orch:
        orch.run_sync(one_step("m.ok"), 1)
        orch.breakers.get("m.ok").force_open()
        with orch.serve_metrics(port=0) as server:
            assert server.url.startswith("http://127.0.0.1:")
            with urllib.request.urlopen(server.url, timeout=5) as response:
                got = samples(response.read().decode())
    assert got['orchestrion_breaker_state{component="m.ok",state="forced_open"}'] == 1
