"""Engine overhead (issue 3), each workload beside a plain-anyio floor.

* W1: a chain of no-op steps (100, 1,000 and 10,000) -> microseconds per step;
* W2: one step emitting 10,000 items, a per-item no-op step, a gather ->
  microseconds per item;
* W3: a seeded random layered DAG of 300 steps each sleeping 1-20 ms ->
  makespan / critical path;
* W4: a run of a one-step workflow -> milliseconds (the fixed cost of a run).

The floor runs the same DAG with no framework: an anyio task group with one
task per step (or item), each waiting on its dependencies' events, then
calling the same component. Engine and floor run interleaved in one process
and one event loop (asyncio, or ``--backend trio``), one sample per run;
medians are reported. The engine runs with its default policy, a warm plan
cache and warm pools (a workflow is compiled once per orchestrator; the
one-off compile cost is reported separately).

Run: ``python bench/engine/bench_engine.py [--runs N] [--backend trio]``, or
``python bench/run.py engine``.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import anyio
from pydantic import BaseModel, ConfigDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import itertools

from _harness import Report, Result

from orchestrion import ComponentType, Orchestrator, StepContext, Workflow, hookimpl


class SleepOptions(BaseModel):
    """How long a ``bench.sleep`` step sleeps."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ms: int = 1


class Noop:
    """Returns its input."""

    async def process(self, data: Any, ctx: StepContext | None) -> Any:
        return data


class Split:
    """Emits ``range(data)``."""

    async def process(self, data: Any, ctx: StepContext | None) -> Any:
        return range(data)


class Sleep:
    """Sleeps ``ms`` milliseconds, returns its input."""

    def __init__(self, options: SleepOptions) -> None:
        self.seconds = options.ms / 1000

    async def process(self, data: Any, ctx: StepContext | None) -> Any:
        await anyio.sleep(self.seconds)
        return data


class BenchPlugin:
    """Registers the benchmark's component types."""

    orchestrion_plugin_name = "bench"

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        register(ComponentType(name="bench.noop", factory=lambda _o: Noop()))
        register(ComponentType(name="bench.split", factory=lambda _o: Split(), emits="many"))
        register(ComponentType(name="bench.sleep", factory=Sleep, options=SleepOptions))


# -- workloads -------------------------------------------------------------------

Graph = dict[str, list[str]]


def chain(n: int) -> Graph:
    return {f"s{i}": [f"s{i - 1}"] if i else [] for i in range(n)}


def layered(seed: int, steps: int = 300, layers: int = 12) -> tuple[Graph, dict[str, int]]:
    """A random layered DAG and each step's sleep in ms."""
    rng = random.Random(seed)
    names = [f"s{i}" for i in range(steps)]
    cuts = sorted(rng.sample(range(1, steps), layers - 1))
    bounds = [0, *cuts, steps]
    graph: Graph = {}
    earlier: list[str] = []
    for lo, hi in itertools.pairwise(bounds):
        layer = names[lo:hi]
        for name in layer:
            graph[name] = rng.sample(earlier, min(len(earlier), rng.randint(1, 3)))
        earlier.extend(layer)
    return graph, {name: rng.randint(1, 20) for name in names}


def critical_path(graph: Graph, seconds: dict[str, float]) -> float:
    """The longest path through ``graph`` when each step takes ``seconds[step]``."""
    finish: dict[str, float] = {}
    for name, deps in graph.items():  # declared in topological order
        finish[name] = max((finish[d] for d in deps), default=0.0) + seconds[name]
    return max(finish.values())


def to_workflow(graph: Graph, component: str, ms: dict[str, int] | None = None) -> Workflow:
    builder = Workflow.builder("bench")
    for name, deps in graph.items():
        options = {"ms": ms[name]} if ms else None
        builder.step(name, component, depends_on=deps, options=options)
    return builder.build()


def fan_out_workflow() -> Workflow:
    return (
        Workflow.builder("fan-out")
        .step("split", "bench.split")
        .step("each", "bench.noop", for_each="split")
        .step("gather", "bench.noop", depends_on="each", gather=True)
        .build()
    )


# -- the plain-anyio floor: one task per step ---------------------------------------


async def floor_dag(
    graph: Graph,
    make: Callable[[str], Any],
    data: Any,
    durations: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Run ``graph`` with one task per step, each awaiting its dependencies' events;
    each step's own duration goes to ``durations`` when given."""
    done = {name: anyio.Event() for name in graph}
    out: dict[str, Any] = {}

    async def step(name: str, deps: list[str]) -> None:
        for dep in deps:
            await done[dep].wait()
        if not deps:
            value = data
        elif len(deps) == 1:
            value = out[deps[0]]
        else:
            value = {d: out[d] for d in deps}
        if durations is None:
            out[name] = await make(name).process(value, None)
        else:
            start = time.perf_counter()
            out[name] = await make(name).process(value, None)
            durations[name] = time.perf_counter() - start
        done[name].set()

    async with anyio.create_task_group() as tg:
        for name, deps in graph.items():
            tg.start_soon(step, name, deps)
    return out


async def floor_fan_out(n: int) -> list[Any]:
    """Split, one task per item, gather in order."""
    split, noop = Split(), Noop()
    items = list(await split.process(n, None))
    results: list[Any] = [None] * len(items)

    async def one(i: int, item: Any) -> None:
        results[i] = await noop.process(item, None)

    async with anyio.create_task_group() as tg:
        for i, item in enumerate(items):
            tg.start_soon(one, i, item)
    gathered: list[Any] = await noop.process(results, None)
    return gathered


# -- measuring ---------------------------------------------------------------------


async def sample(fn: Callable[[], Awaitable[Any]]) -> float:
    """Seconds one call of ``fn`` takes; its result is freed after the clock
    stops (freeing the caller's result is not part of running the workflow)."""
    start = time.perf_counter()
    result = await fn()
    elapsed = time.perf_counter() - start
    del result
    return elapsed


async def measure(
    cases: dict[str, Callable[[], Awaitable[Any]]], runs: int, warmup: int = 2
) -> dict[str, list[float]]:
    """Interleave the cases run by run so load on the machine hits all alike."""
    for _ in range(warmup):
        for fn in cases.values():
            await fn()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, fn in cases.items():
            samples[name].append(await sample(fn))
    return samples


async def bench(runs: int) -> tuple[list[Result], list[str]]:
    results: list[Result] = []
    rows: list[str] = []
    noop = Noop()
    sleepers: dict[int, Sleep] = {}

    def sleeper_for(ms: dict[str, int]) -> Callable[[str], Any]:
        def make(name: str) -> Any:
            return sleepers.setdefault(ms[name], Sleep(SleepOptions(ms=ms[name])))

        return make

    orch = Orchestrator(plugins=[BenchPlugin()], config={"plugins": {"autoload": False}}, env={})
    async with orch:
        # W1 at three sizes: the cost per step must stay flat.
        for n in (100, 1_000, 10_000):
            graph = chain(n)
            wf = to_workflow(graph, "bench.noop")
            start = time.perf_counter()
            orch.validate(wf)
            compile_ms = (time.perf_counter() - start) * 1e3
            reps = max(5, runs * 1_000 // n) if n < 10_000 else max(5, runs // 2)
            got = await measure(
                {
                    "engine": partial(orch.run, wf, 0),
                    "floor": partial(floor_dag, graph, lambda _n: noop, 0),
                },
                reps,
            )
            eng, flo = statistics.median(got["engine"]), statistics.median(got["floor"])
            results += [
                Result(f"W1 chain {n} engine", got["engine"]),
                Result(f"W1 chain {n} floor", got["floor"]),
            ]
            rows.append(
                f"| W1 chain of {n:,} no-op steps | {eng / n * 1e6:.2f} µs/step "
                f"| {flo / n * 1e6:.2f} µs/step | {eng / flo:.2f} "
                f"| validate + compile once: {compile_ms:.1f} ms |"
            )
        # W2: fan-out of 10,000 items then a gather.
        items = 10_000
        fan = fan_out_workflow()
        got = await measure(
            {"engine": lambda: orch.run(fan, items), "floor": lambda: floor_fan_out(items)},
            max(5, runs),
        )
        eng, flo = statistics.median(got["engine"]), statistics.median(got["floor"])
        results += [
            Result("W2 fan-out engine", got["engine"]),
            Result("W2 fan-out floor", got["floor"]),
        ]
        rows.append(
            f"| W2 fan-out of {items:,} no-op items + gather | {eng / items * 1e6:.2f} µs/item "
            f"| {flo / items * 1e6:.2f} µs/item | {eng / flo:.2f} | |"
        )
        # W3: latency-bound random layered DAG. Sleeps overshoot (timer and loop
        # granularity, more so on a loaded machine), so besides the nominal
        # critical path we report the critical path of the durations each
        # step really took in that run: that ratio is the scheduler's own delay.
        graph, ms = layered(seed=3)
        wf = to_workflow(graph, "bench.sleep", ms)
        nominal = critical_path(graph, {k: v / 1000 for k, v in ms.items()})
        ratios: dict[str, list[float]] = {"engine": [], "floor": []}
        spans: dict[str, list[float]] = {"engine": [], "floor": []}

        async def engine_w3() -> None:
            start = time.perf_counter()
            result = await orch.run(wf, 0)
            span = time.perf_counter() - start
            took = {n: s.duration or 0.0 for n, s in result.steps.items()}
            ratios["engine"].append(span / critical_path(graph, took))
            spans["engine"].append(span)

        async def floor_w3() -> None:
            took: dict[str, float] = {}
            start = time.perf_counter()
            await floor_dag(graph, sleeper_for(ms), 0, took)
            span = time.perf_counter() - start
            ratios["floor"].append(span / critical_path(graph, took))
            spans["floor"].append(span)

        # Earlier workloads leave a large heap behind; collect it now so that a
        # full collection of *their* garbage does not land inside W3's runs.
        gc.collect()
        await measure({"engine": engine_w3, "floor": floor_w3}, max(9, runs), warmup=1)
        eng, flo = statistics.median(spans["engine"]), statistics.median(spans["floor"])
        results += [
            Result("W3 layered DAG engine", spans["engine"]),
            Result("W3 layered DAG floor", spans["floor"]),
        ]
        rows.append(
            f"| W3 layered DAG, 300 steps sleeping 1-20 ms: makespan / critical path of the "
            f"durations measured in that run | {statistics.median(ratios['engine']):.3f} "
            f"| {statistics.median(ratios['floor']):.3f} | {eng / flo:.3f} "
            f"| makespan {eng * 1e3:.1f} ms (floor {flo * 1e3:.1f}) |"
        )
        rows.append(
            f"| W3, against the nominal critical path ({nominal * 1e3:.0f} ms) "
            f"| {eng / nominal:.3f} | {flo / nominal:.3f} | | sleeps overshoot |"
        )
        # W4: the fixed cost of one run.
        one = to_workflow({"only": []}, "bench.noop")
        got = await measure(
            {
                "engine": lambda: orch.run(one, 0),
                "floor": lambda: floor_dag({"only": []}, lambda _n: noop, 0),
            },
            runs * 20,
        )
        eng, flo = statistics.median(got["engine"]), statistics.median(got["floor"])
        results += [
            Result("W4 one-step run engine", got["engine"]),
            Result("W4 one-step run floor", got["floor"]),
        ]
        rows.append(
            f"| W4 run of a one-step workflow | {eng * 1e3:.3f} ms | {flo * 1e3:.3f} ms "
            f"| {eng / flo:.2f} | |"
        )
    return results, rows


def run(runs: int, backend: str = "asyncio") -> Report:
    """The engine benchmark as a harness report (see the module docstring)."""
    results, rows = anyio.run(bench, runs, backend=backend)
    table = [
        "| workload | engine | plain-anyio floor | engine / floor | notes |",
        "| --- | ---: | ---: | ---: | --- |",
        *rows,
    ]
    return Report(
        title=f"Engine overhead, {backend}",
        results=results,
        notes=["Medians per run, engine beside the floor (one task per step):", "", *table],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="measured runs per case (scaled)")
    parser.add_argument("--backend", choices=["asyncio", "trio"], default="asyncio")
    args = parser.parse_args(argv)
    report = run(args.runs, args.backend)
    print("\n".join(report.notes[2:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
