"""State-store overhead (issue 7): per-step cost with the SQLite store beside
the memory store (target: SQLite <= 3x memory), and beside no store at all.

* W1: a chain of 1,000 no-op steps -> microseconds per step (every step is a
  commit of its own: a dependent may not start before its parent's result is
  committed);
* W2: one step emitting 10,000 items, a per-item no-op step, a gather ->
  microseconds per item (items are committed in batches).

The three orchestrators run interleaved in one process and event loop, one
sample per run, medians reported (helpers from ``bench/engine``). The SQLite
file is in a temporary directory, WAL mode, ``synchronous=NORMAL`` (the
default), and ``synchronous=FULL`` is measured too.

Run: ``python bench/state/bench_store.py [--runs N] [--backend trio]``.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from _harness import Report, Result
from bench_engine import (
    BenchPlugin,
    chain,
    fan_out_workflow,
    measure,
    to_workflow,
)

from orchestrion import Orchestrator


async def bench(runs: int, folder: Path) -> tuple[list[Result], list[str]]:
    stores: dict[str, Any] = {
        "none": "memory",
        "memory": "memory",
        "sqlite": str(folder / "normal.sqlite"),
        "sqlite-full": None,
    }
    orchs: dict[str, Orchestrator] = {}
    for name, spec in stores.items():
        if name == "sqlite-full":
            orch = Orchestrator(
                plugins=[BenchPlugin()],
                config={
                    "state": {
                        "store": "sqlite",
                        "synchronous": "full",
                        "path": str(folder / "full.sqlite"),
                    }
                },
            )
        else:
            orch = Orchestrator(plugins=[BenchPlugin()], state=spec)
        if name == "none":
            orch.engine.journal_for = None  # the engine alone, nothing recorded
        orchs[name] = orch
    rows: list[str] = []
    results: list[Result] = []
    workloads = [
        ("W1 chain of 1,000", to_workflow(chain(1000), "bench.noop"), None, 1000, "step"),
        ("W2 fan-out of 10,000", fan_out_workflow(), 10_000, 10_000, "item"),
    ]
    for label, wf, data, units, unit in workloads:
        # partial binds this iteration's orchestrator, workflow and input.
        cases: dict[str, Callable[[], Awaitable[Any]]] = {
            name: functools.partial(orch.run, wf, data) for name, orch in orchs.items()
        }
        got = await measure(cases, runs if units <= 1000 else max(3, runs // 3))
        med = {name: statistics.median(samples) / units * 1e6 for name, samples in got.items()}
        for name, samples in got.items():
            results.append(Result(f"{label} {name}", samples))
        rows.append(
            f"| {label} | {med['none']:.1f} µs | {med['memory']:.1f} µs | {med['sqlite']:.1f} µs "
            f"| {med['sqlite-full']:.1f} µs | {med['sqlite'] / med['memory']:.2f} "
            f"| per {unit} |"
        )
    for orch in orchs.values():
        await orch.aclose()
    return results, rows


def run(runs: int, backend: str = "asyncio") -> Report:
    """The state-store benchmark as a harness report (see the module docstring)."""
    with tempfile.TemporaryDirectory() as tmp:
        results, rows = anyio.run(bench, runs, Path(tmp), backend=backend)
    table = [
        "| workload | no store | memory | sqlite (NORMAL) | sqlite (FULL) "
        "| sqlite / memory | unit |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        *rows,
    ]
    return Report(
        title=f"State-store overhead, {backend}",
        results=results,
        notes=["Medians, time per step or item including the engine:", "", *table],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured runs per case")
    parser.add_argument("--backend", choices=["asyncio", "trio"], default="asyncio")
    args = parser.parse_args(argv)
    report = run(args.runs, args.backend)
    print("\n".join(report.notes[2:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
