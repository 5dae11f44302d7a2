"""Orchestrator.metrics(): counts per component type and capability, breakers,
pools and run totals, fed from every run's result."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from metrics_kit import one_step, orchestrator

from orchestrion.testing import set_testing

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def instant() -> Iterator[None]:
    """Retry waits take no time (through the public testing switch)."""
    with set_testing(True):
        yield


async def test_successes_retries_and_latency_are_counted_per_component() -> None:
    """Each run adds one call per step; a retried success counts its retry."""
    async with orchestrator() as orch:
        for _ in range(3):
            await orch.run(one_step("m.ok"), 1)
        await orch.run(one_step("m.flaky", retry={"attempts": 3}), 1)
        snap = orch.metrics()
    ok, flaky = snap.components["m.ok"], snap.components["m.flaky"]
    assert (ok.calls, ok.successes, ok.failures, ok.retries) == (3, 3, 0, 0)
    assert (flaky.calls, flaky.successes, flaky.attempts, flaky.retries) == (1, 1, 2, 1)
    assert ok.latency.count == 3
    assert ok.latency.p50 is not None
    assert ok.latency.p99 is not None
    assert ok.latency.min is not None
    assert ok.latency.max is not None
    assert ok.latency.min <= ok.latency.p50 <= ok.latency.p99 <= ok.latency.max
    assert sum(ok.latency.buckets) == 3
    assert snap.source == "live"


async def test_failures_and_fallbacks_are_counted() -> None:
    """A failed call and a call answered by a fallback component are told apart."""
    async with orchestrator() as orch:
        await orch.run(one_step("m.down", retry={"attempts": 2}), "secret")
        await orch.run(
            one_step("m.down", retry={"attempts": 1}, fallback={"components": ["m.ok"]}), "x"
        )
        snap = orch.metrics()
    down = snap.components["m.down"]
    assert (down.calls, down.failures, down.degraded, down.fallbacks) == (2, 1, 1, 1)
    assert down.retries == 1
    assert snap.runs.by_status == {"degraded": 1, "failed": 1}


async def test_capabilities_sum_their_providers() -> None:
    """A capability's figures are the sum over the component types providing it."""
    async with orchestrator() as orch:
        await orch.run(one_step("m.ok"), 1)
        await orch.run(one_step("m.flaky", retry={"attempts": 2}), 1)
        snap = orch.metrics()
    work = snap.capabilities["cap.work"]
    assert (work.calls, work.successes, work.retries) == (2, 2, 1)
    assert work.latency.count == 2


async def test_fan_out_items_count_as_calls_and_runs_are_totalled() -> None:
    """Each fan-out item is one call; run totals count steps and items."""
    flow = {
        "name": "fan",
        "steps": {
            "split": {"component": "m.split"},
            "each": {"component": "m.ok", "for_each": "split"},
        },
    }
    async with orchestrator() as orch:
        await orch.run(flow, [1, 2, 3, 4])
        snap = orch.metrics()
    assert snap.components["m.ok"].calls == 4
    assert snap.components["m.split"].calls == 1
    assert (snap.runs.runs, snap.runs.steps, snap.runs.items) == (1, 2, 4)
    assert snap.runs.by_status == {"succeeded": 1}
    assert snap.runs.duration.count == 1


async def test_breaker_states_and_transitions_are_reported() -> None:
    """A breaker's state is read live and every transition it made is counted."""
    async with orchestrator() as orch:
        await orch.run(one_step("m.ok"), 1)
        breaker = orch.breakers.get("m.ok")
        breaker.force_open()
        opened = orch.metrics().breakers["m.ok"]
        breaker.reset()
        closed = orch.metrics().breakers["m.ok"]
    assert opened.state == "forced_open"
    assert closed.state == "closed"
    assert closed.transitions == {"forced_open": 1, "closed": 1}


async def test_pools_report_instances_and_waits() -> None:
    """Pool figures come from the live pools: instances made, busy calls, waits."""
    async with orchestrator() as orch:
        await orch.run(one_step("m.ok"), 1)
        pools = orch.metrics().pools
    assert pools["m.ok"].instances == 1
    assert pools["m.ok"].busy == 0
    assert pools["m.ok"].waits == 0
    assert pools["m.ok"].pools == 1


async def test_snapshot_is_json_and_never_holds_payloads() -> None:
    """The snapshot serialises to JSON without the data or the error messages of runs."""
    async with orchestrator() as orch:
        await orch.run(one_step("m.down", retry={"attempts": 1}), "top-secret-payload")
        text = orch.metrics().model_dump_json()
    assert "top-secret-payload" not in text
    assert json.loads(text)["components"]["m.down"]["failures"] == 1


async def test_routed_runs_are_counted_too() -> None:
    """Runs made through process() (routing) are counted like direct runs."""
    rule = {"name": "all", "when": "is_text", "route": ["cap.work"]}
    config = {"plugins": {"autoload": False}, "routing": {"rules": [rule]}}
    async with orchestrator(config=config) as orch:
        await orch.process("text")
        snap = orch.metrics()
    assert snap.runs.runs == 1
    assert snap.capabilities["cap.work"].calls == 1


async def test_large_fan_outs_count_every_item_and_weigh_sampled_latencies() -> None:
    """A 1,000-item fan-out counts 1,000 calls; the latency histogram stands for all of them."""
    flow = {
        "name": "fan",
        "steps": {
            "split": {"component": "m.split"},
            "each": {"component": "m.ok", "for_each": "split"},
        },
    }
    async with orchestrator() as orch:
        await orch.run(flow, list(range(1000)))
        ok = orch.metrics().components["m.ok"]
    assert (ok.calls, ok.successes) == (1000, 1000)
    assert ok.latency.count == 1000
    assert sum(ok.latency.buckets) == 1000


async def test_streams_report_totals_and_count_their_records() -> None:
    """A stream's records count per component, and the stream's totals are in the snapshot."""
    async with orchestrator() as orch:
        stream = orch.stream(range(20), workflow=one_step("m.ok"), name="numbers")
        async with stream as results:
            outputs = [r async for r in results]
        snap = orch.metrics()
    assert len(outputs) == 20
    assert snap.components["m.ok"].calls == 20
    totals = snap.streams["numbers"]
    assert (totals.records_in, totals.records_out, totals.errors) == (20, 20, 0)
    assert totals.p50 is not None
