# distributed's API is not annotated.
# mypy: disable-error-code="no-untyped-call"
"""CPU-bound fan-out: the local executor against Dask with 2 worker processes.

The workflow emits 64 items and runs ``benchkit.spin`` on each: pure-Python
arithmetic calibrated to about 50 ms per item, which holds the GIL, so the
local executor's threads cannot run two items at once. The Dask case runs the
same step with ``executor = "dask"`` on a ``LocalCluster`` of 2 single-threaded
worker processes, started once before the measured runs (its start-up and
the workers' first calls, which build their plugin sets, are a warm-up
reported apart). The executor's default ``max_in_flight = 64`` bounds the
calls in flight (a remote executor uses no local pool). The floor
is plain Dask on the same cluster: ``client.map`` of the same function over
the 64 items, gathered, without Orchestrion. Cases are interleaved run by
run; one sample is one whole run. A note adds the per-call overhead: 256
trivial calls (one loop each) on either executor.

Run: ``python bench/run.py dask --runs 5`` or ``python bench/dask/bench_dask.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Spawned worker processes inherit sys.path, so the benchkit plugin is
# installed on them too (by its .dist-info).
for extra in (str(HERE / "benchkit"), str(HERE.parent)):
    if extra not in sys.path:
        sys.path.insert(0, extra)

from _harness import Report, Result  # noqa: E402 - needs the path set above

ITEMS = 64
TINY = 256  # trivial calls for the per-call overhead
TARGET = 0.050  # seconds of CPU per item
MAX_RUNS = 5  # one run of every case takes ~8 s


def calibrate() -> int:
    """Loops of ``benchkit.spin`` that take about ``TARGET`` seconds here."""
    from orchestrion_dask_benchkit import spin

    loops = 100_000
    while True:
        t0 = time.perf_counter()
        spin(1, loops)
        took = time.perf_counter() - t0
        if took > 0.02:
            return max(1, int(loops * TARGET / took))
        loops *= 2


def workflow(executor: str, loops: int, items: int = ITEMS) -> dict[str, Any]:
    """``items`` items, each spun on ``executor``."""
    return {
        "name": f"fan-out-{executor}",
        "steps": {
            "items": {"component": "benchkit.items", "options": {"count": items}},
            "spin": {
                "component": "benchkit.spin",
                "options": {"loops": loops},
                "for_each": "items",
                "executor": executor,
            },
        },
    }


def run(runs: int) -> Report:
    """Measure each case ``min(runs, MAX_RUNS)`` times."""
    import os

    import anyio
    from distributed import Client, LocalCluster
    from orchestrion_dask_benchkit import spin

    from orchestrion import Orchestrator

    runs = max(1, min(runs, MAX_RUNS))
    loops = calibrate()
    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": ":0"},
    )
    client = Client(cluster, set_as_default=False)
    startup = time.perf_counter() - t0
    config = {
        "engine": {
            "executors": {"dask": {"address": cluster.scheduler_address, "max_in_flight": 64}},
        }
    }
    local = workflow("local", loops)
    remote = workflow("dask", loops)
    tiny = {"local": workflow("local", 1, TINY), "dask": workflow("dask", 1, TINY)}
    samples: dict[str, list[float]] = {"local": [], "dask": [], "plain": []}
    tiny_samples: dict[str, list[float]] = {"local": [], "dask": []}
    warm: dict[str, float] = {}

    def plain() -> list[int]:
        futures = client.map(spin, range(ITEMS), loops=loops, pure=False)
        return list(client.gather(futures))

    async def main() -> None:
        async with Orchestrator(config=config) as orch:
            t0 = time.perf_counter()
            (await orch.run(remote)).raise_for_status()
            warm["dask"] = time.perf_counter() - t0
            (await orch.run(local)).raise_for_status()
            expected = await anyio.to_thread.run_sync(plain)
            for _ in range(runs):
                for name, wf in (("local", local), ("dask", remote)):
                    t0 = time.perf_counter()
                    result = await orch.run(wf)
                    samples[name].append(time.perf_counter() - t0)
                    result.raise_for_status()
                    out = result.steps["spin"].output
                    assert out == expected, "every case must compute the same outputs"
                t0 = time.perf_counter()
                out = await anyio.to_thread.run_sync(plain)
                samples["plain"].append(time.perf_counter() - t0)
                assert out == expected
                for name, wf in tiny.items():
                    t0 = time.perf_counter()
                    (await orch.run(wf)).raise_for_status()
                    tiny_samples[name].append(time.perf_counter() - t0)

    try:
        anyio.run(main)
    finally:
        client.close()
        cluster.close()
    local_r = Result("local executor (8 threads, one process)", samples["local"])
    dask_r = Result("dask executor (2 worker processes x 1 thread)", samples["dask"])
    plain_r = Result("plain Dask client.map, same cluster (floor)", samples["plain"])
    speedup = local_r.median / dask_r.median
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    per_call = {k: statistics.median(v) / TINY * 1e3 for k, v in tiny_samples.items()}
    return Report(
        title=f"CPU-bound fan-out: {ITEMS} items x ~{TARGET * 1e3:.0f} ms of pure Python",
        results=[local_r, dask_r, plain_r],
        baseline=local_r.name,
        notes=[
            f"Speed-up of the dask executor over the local executor: **{speedup:.2f}x** "
            f"(medians); {loops:,} loops per item calibrated to ~{TARGET * 1e3:.0f} ms; "
            f"{os.cpu_count()} CPUs, load average {load} at the end.",
            f"Per-call overhead, {TINY} trivial calls in one run (medians): "
            f"local executor {per_call['local']:.2f} ms/call, dask executor "
            f"{per_call['dask']:.2f} ms/call.",
            f"LocalCluster start-up {startup * 1e3:.0f} ms; first dask-executor run "
            f"(workers load their plugins) {warm['dask'] * 1e3:.0f} ms; neither is in the table.",
        ],
    )


if __name__ == "__main__":
    print(run(MAX_RUNS).render())
