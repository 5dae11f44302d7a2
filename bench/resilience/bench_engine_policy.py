"""Per-step cost of the default resilience policy inside the engine.

The engine's W1 (a chain of 1,000 no-op steps) and W2 (a fan-out of 10,000
no-op items, then a gather) run through ``Orchestrator.run`` twice: with the
default policy (3 attempts, breaker on, no attempt timeout) and with no
policy (1 attempt, breaker disabled). Cases are interleaved run by run in one
orchestrator (warm plans and pools); the table gives µs per step (per item
for W2), the result model built inside the measured time as in bench/engine.

Time is the process's CPU time (``time.process_time``): the workloads never
sleep, so it equals wall time on a quiet machine, and it stays readable on a
shared one, where wall time mostly measures the other processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from _harness import Report, Result

from orchestrion import ComponentType, Orchestrator, StepContext, Workflow, hookimpl

NO_POLICY = {"retry": {"attempts": 1}, "breaker": {"enabled": False}}


class _Plugin:
    orchestrion_plugin_name = "policy_bench"

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        class Noop:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                return data

        class Split:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                return range(data)

        register(ComponentType(name="pb.noop", factory=lambda _o: Noop()))
        register(ComponentType(name="pb.split", factory=lambda _o: Split(), emits="many"))


def _chain(n: int, policy: dict[str, Any] | None) -> Workflow:
    steps: dict[str, Any] = {"s0": {"component": "pb.noop"}}
    for i in range(1, n):
        steps[f"s{i}"] = {"component": "pb.noop", "depends_on": [f"s{i - 1}"]}
    return Workflow.model_validate({"name": "chain", "steps": steps, "policy": policy})


def _fan_out(policy: dict[str, Any] | None) -> Workflow:
    steps = {
        "split": {"component": "pb.split"},
        "each": {"component": "pb.noop", "for_each": "split"},
        "gather": {"component": "pb.noop", "depends_on": ["each"], "gather": True},
    }
    return Workflow.model_validate({"name": "fan-out", "steps": steps, "policy": policy})


@dataclass(slots=True)
class PerStepReport(Report):
    """µs per step, and the default policy's extra cost over no policy."""

    def table(self) -> str:
        """Median and best µs per step; 'extra' is default minus no policy."""
        lines = [
            "| what | median µs/step | best µs/step | IQR/median | extra µs (median, best) |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for r in self.results:
            extra = ""
            if "default policy" in r.name:
                plain = next(
                    b
                    for b in self.results
                    if b.name == r.name.replace("default policy", "no policy")
                )
                extra = (
                    f"{(r.median - plain.median) * 1e6:+.2f}, {(r.best - plain.best) * 1e6:+.2f}"
                )
            lines.append(
                f"| {r.name} | {r.median * 1e6:.2f} | {r.best * 1e6:.2f} | {r.spread:.0%} "
                f"| {extra} |"
            )
        return "\n".join(lines)


async def _measure(runs: int) -> dict[str, list[float]]:
    cases: dict[str, tuple[Workflow, int, int]] = {
        "W1 chain of 1,000, default policy": (_chain(1000, None), 0, 1000),
        "W1 chain of 1,000, no policy": (_chain(1000, NO_POLICY), 0, 1000),
        "W2 fan-out of 10,000, default policy": (_fan_out(None), 10_000, 10_000),
        "W2 fan-out of 10,000, no policy": (_fan_out(NO_POLICY), 10_000, 10_000),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    orch = Orchestrator(plugins=[_Plugin()], config={"plugins": {"autoload": False}}, env={})
    async with orch:
        for round_ in range(runs + 1):
            for name, (flow, data, units) in cases.items():
                start = time.process_time()
                result = await orch.run(flow, data)
                took = time.process_time() - start
                if result.status != "succeeded":
                    raise RuntimeError(f"{name}: run ended {result.status}")
                del result
                if round_:  # the first round compiles plans and warms pools
                    samples[name].append(took / units)
    return samples


def run(runs: int) -> Report:
    """Measure every case on asyncio and trio."""
    results: list[Result] = []
    for backend in ("asyncio", "trio"):
        samples = anyio.run(_measure, runs, backend=backend)
        results += [Result(f"{name} ({backend})", s, backend) for name, s in samples.items()]
    return PerStepReport(
        title="Resilience: default policy vs no policy, per step, through Orchestrator.run",
        results=results,
        baseline=None,
        notes=[
            "Default policy: 3 attempts, breaker on, no attempt timeout; no policy: "
            "1 attempt, breaker disabled (the runner's direct path). Same workflows "
            "otherwise, interleaved run by run in one orchestrator; CPU time.",
        ],
    )
