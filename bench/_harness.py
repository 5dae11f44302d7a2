"""Timing helpers shared by the benchmarks: repeated runs, medians, tables.

Benchmarks report medians over many runs (robust to the odd slow run on a
shared machine) and ratios against peers measured in the same run, because
absolute times move from machine to machine while ratios mostly do not.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = ["Report", "Result", "time_call", "time_commands"]


@dataclass(slots=True)
class Result:
    """The samples (seconds) of one measured thing."""

    name: str
    samples: list[float]
    detail: str = ""

    @property
    def median(self) -> float:
        """Median of the samples, in seconds."""
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        """Fastest sample, in seconds."""
        return min(self.samples)

    @property
    def spread(self) -> float:
        """Interquartile range relative to the median (0.05 = 5 %)."""
        if len(self.samples) < 4:
            return 0.0
        q1, _, q3 = statistics.quantiles(self.samples, n=4)
        return (q3 - q1) / self.median


@dataclass(slots=True)
class Report:
    """A benchmark's results, the one ratios are taken against, and notes."""

    title: str
    results: list[Result]
    baseline: str | None = None
    notes: list[str] = field(default_factory=list)

    def table(self) -> str:
        """The results as a Markdown table (milliseconds)."""
        base = next((r for r in self.results if r.name == self.baseline), None)
        lines = [
            "| what | median ms | best ms | IQR/median | runs |"
            + (f" ratio to {self.baseline} |" if base else ""),
            "| --- | ---: | ---: | ---: | ---: |" + (" ---: |" if base else ""),
        ]
        for r in self.results:
            row = (
                f"| {r.name} | {r.median * 1e3:.1f} | {r.best * 1e3:.1f} "
                f"| {r.spread:.0%} | {len(r.samples)} |"
            )
            if base:
                row += f" {r.median / base.median:.2f} |"
            lines.append(row)
        return "\n".join(lines)

    def render(self) -> str:
        """Title, table and notes, ready to print or paste into RESULTS.md."""
        parts = [f"### {self.title}", "", self.table()]
        if self.notes:
            parts += ["", *self.notes]
        return "\n".join(parts)


def time_call(fn: Callable[[], object], runs: int, *, warmup: int = 1) -> list[float]:
    """Wall time of ``fn()`` over ``runs`` calls, after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def time_commands(
    commands: Mapping[str, Sequence[str]],
    runs: int,
    *,
    env: Mapping[str, str] | None = None,
    warmup: int = 1,
) -> list[Result]:
    """Wall time of each command as a fresh process, ``runs`` times each.

    Commands are interleaved round-robin, so a burst of load on the machine
    hits every command alike instead of skewing one of them. A command that
    fails is an error: timing a crash would be meaningless.
    """
    full_env = {**os.environ, **(env or {})}

    def once(argv: Sequence[str]) -> float:
        start = time.perf_counter()
        proc = subprocess.run(
            list(argv),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=full_env,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            msg = f"{' '.join(argv)} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}"
            raise RuntimeError(msg)
        return elapsed

    for _ in range(warmup):
        for argv in commands.values():
            once(argv)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            samples[name].append(once(argv))
    return [Result(name, samples[name], " ".join(argv)) for name, argv in commands.items()]
