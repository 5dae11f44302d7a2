"""Per-call cost of a step's resilience policy, against a bare call.

Cases, measured in the same process and interleaved run by run:

* bare call: ``await call(1)``, the floor;
* no policy: one attempt, no timeout, breaker disabled (the direct path);
* default policy: 3 attempts, breaker on, no attempt timeout (DESIGN §6);
* default + attempt timeout: the same with ``timeout.attempt`` set
  (an ``anyio.fail_after`` scope per attempt);
* one retry: the first attempt fails with a ``TransientError`` and the second
  succeeds, waits made instant with ``set_testing`` (stamina engaged);
* breaker alone: ``acquire()`` + ``on_result()`` without awaiting anything.

Each sample is the mean over a batch of calls; the table shows medians of
samples in microseconds per call, on asyncio and trio.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio
from _harness import Report, Result

from orchestrion import StepInfo, TransientError
from orchestrion._resilience import (
    BreakerPolicy,
    BreakerRegistry,
    Policy,
    PolicyRunner,
    RetryPolicy,
    TimeoutPolicy,
    merge_policies,
    set_testing,
)

BATCH = 2000
STEP = StepInfo(run_id="bench", step="s", component="svc")


@dataclass(slots=True)
class MicroReport(Report):
    """A report whose table is in microseconds per call, with overhead over 'bare call'."""

    def table(self) -> str:
        """Median and best µs per call, and the median minus the bare call's."""
        base = next(r for r in self.results if r.name.startswith("bare call"))
        lines = [
            "| what | median µs/call | best µs/call | IQR/median | overhead µs |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for r in self.results:
            same_backend = next(
                b for b in self.results if b.name.startswith("bare call") and b.detail == r.detail
            )
            overhead = r.median - same_backend.median if r is not base else 0.0
            lines.append(
                f"| {r.name} | {r.median * 1e6:.2f} | {r.best * 1e6:.2f} | {r.spread:.0%} "
                f"| {overhead * 1e6:+.2f} |"
            )
        return "\n".join(lines)


async def _work(attempt: int) -> int:
    return attempt


def _flaky() -> Callable[[int], Awaitable[int]]:
    async def call(attempt: int) -> int:
        if attempt == 1:
            raise TransientError("busy")
        return attempt

    return call


async def _measure(runs: int) -> dict[str, list[float]]:
    registry = BreakerRegistry()
    direct = PolicyRunner(
        Policy(retry=RetryPolicy(attempts=1), breaker=BreakerPolicy(enabled=False)),
        component="svc",
    )
    default = PolicyRunner(merge_policies(), component="svc", breakers=registry)
    timed = PolicyRunner(
        merge_policies(Policy(timeout=TimeoutPolicy(attempt=30))),
        component="svc",
        breakers=registry,
    )
    retrying = PolicyRunner(
        merge_policies(Policy(breaker=BreakerPolicy(enabled=False))), component="other"
    )
    breaker = registry.get("svc")
    flaky = _flaky()

    async def bare() -> None:
        for _ in range(BATCH):
            await _work(1)

    async def run_with(runner: PolicyRunner, call: Callable[[int], Awaitable[int]]) -> None:
        for _ in range(BATCH):
            await runner.run(call, step=STEP)

    async def breaker_alone() -> None:
        acquire, on_result = breaker.acquire, breaker.on_result
        for _ in range(BATCH):
            on_result(acquire())

    cases: dict[str, Callable[[], Awaitable[None]]] = {
        "bare call": bare,
        "no policy (direct path)": lambda: run_with(direct, _work),
        "default policy": lambda: run_with(default, _work),
        "default + attempt timeout": lambda: run_with(timed, _work),
        "one retry (instant wait)": lambda: run_with(retrying, flaky),
        "breaker alone": breaker_alone,
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    with set_testing(True):
        for round_ in range(runs + 1):
            for name, case in cases.items():
                start = time.perf_counter()
                await case()
                if round_:  # the first round warms up
                    samples[name].append((time.perf_counter() - start) / BATCH)
    return samples


def run(runs: int) -> Report:
    """Measure every case on asyncio and trio."""
    # stamina logs each scheduled retry; unconfigured logging would print
    # thousands of lines to stderr and time the terminal instead.
    logging.getLogger("stamina").setLevel(logging.ERROR)
    results: list[Result] = []
    for backend in ("asyncio", "trio"):
        samples = anyio.run(_measure, runs, backend=backend)
        results += [Result(f"{name} ({backend})", s, backend) for name, s in samples.items()]
    return MicroReport(
        title="Resilience: per-call overhead of a step's policy",
        results=results,
        baseline=None,
        notes=[
            f"Each sample is the mean of {BATCH} sequential calls of a trivial async "
            "component; 'overhead' is the median minus the bare call's on the same backend.",
            "The default policy (3 attempts, breaker on, no attempt timeout) runs the "
            "first attempt outside stamina, so success costs only the breaker's "
            "bookkeeping; stamina is engaged only after a retryable failure.",
            "The retry case silences stamina's retry log (it would otherwise write "
            "to stderr once per retry).",
        ],
    )
