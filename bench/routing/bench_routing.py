"""Routing decision time with 10 and 1,000 rules, cached and uncached.

Every rule is a two-condition ``all`` over the profile (``looks_like`` plus a
``size_over`` threshold), and only the lowest-priority rule matches the data,
so an uncached decision evaluates every rule: the worst case. Cases:

* profile only: ``profile_of(data)``, the floor every decision pays;
* N rules, uncached: ``plan(data)`` with ``routing.cache_size = 0``;
* N rules, cached: ``plan(data)`` with the decision already in the cache
  (a hit: profile, lookup, breaker-state check);
* N rules, uncached, explanation built: the same as uncached (the trace is
  always recorded) — shown once for 10 rules through ``route.to_dict()``.

Each sample is the mean over a batch of decisions; the table shows medians
in microseconds per decision.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from _harness import Report, Result

from orchestrion import ComponentType, Orchestrator, PluginSelection, hookimpl, profile_of

DATA = '{"ticket": 1, "subject": "printer on fire", "body": "' + "x" * 200 + '"}'


class _Noop:
    def process(self, data: Any, ctx: Any) -> Any:
        return data


class _Types:
    orchestrion_plugin_name = "bench"

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        for name in ("bench.a", "bench.b"):
            register(ComponentType(name=name, factory=lambda o: _Noop(), description=name))


def _orchestrator(n_rules: int, *, cache_size: int) -> Orchestrator:
    rules = [
        {
            "name": f"rule_{i:04d}",
            "priority": n_rules - i,
            # Thresholds above the data's size: none of these match...
            "when": {
                "all": [
                    {"condition": "looks_like", "format": "json"},
                    {"condition": "size_over", "bytes": 10_000 + i},
                ]
            },
            "route": ["bench.a"],
        }
        for i in range(n_rules - 1)
    ]
    # ...except the last, evaluated after all the others.
    rules.append(
        {
            "name": "zz_last",
            "priority": 0,
            "when": {
                "all": [
                    {"condition": "looks_like", "format": "json"},
                    {"condition": "size_over", "bytes": 10},
                ]
            },
            "route": ["bench.a", "bench.b"],
        }
    )
    config = {"routing": {"rules": rules, "cache_size": cache_size}}
    orch = Orchestrator(
        plugins=[_Types()], config=config, selection=PluginSelection(autoload=False)
    )
    route = orch.plan(DATA)
    assert route.rule == "zz_last", route.rule
    return orch


@dataclass(slots=True)
class MicroReport(Report):
    """A report in microseconds per decision."""

    def table(self) -> str:
        """Median and best µs per decision."""
        lines = [
            "| what | median µs/decision | best µs/decision | IQR/median | samples |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        lines.extend(
            f"| {r.name} | {r.median * 1e6:.2f} | {r.best * 1e6:.2f} "
            f"| {r.spread:.0%} | {len(r.samples)} |"
            for r in self.results
        )
        return "\n".join(lines)


def _batch(fn: Callable[[], object], size: int) -> float:
    start = time.perf_counter()
    for _ in range(size):
        fn()
    return (time.perf_counter() - start) / size


def run(runs: int) -> Report:
    """Measure every case ``runs`` times, interleaved round-robin."""
    cases: dict[str, tuple[Callable[[], object], int]] = {
        "profile only": (lambda: profile_of(DATA), 2000),
    }
    for n in (10, 1000):
        uncached = _orchestrator(n, cache_size=0)
        cached = _orchestrator(n, cache_size=1024)
        batch = 200 if n == 10 else 5
        # functools.partial binds this iteration's orchestrator (a closure would
        # see the last one) and, unlike a default-argument lambda, types cleanly.
        cases[f"{n} rules, uncached"] = (functools.partial(uncached.plan, DATA), batch)
        cases[f"{n} rules, cached"] = (functools.partial(cached.plan, DATA), 2000)
    explained = _orchestrator(10, cache_size=0)
    cases["10 rules, uncached + to_dict()"] = (lambda: explained.plan(DATA).to_dict(), 200)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for fn, size in cases.values():
        _batch(fn, size)  # warm-up
    for _ in range(runs):
        for name, (fn, size) in cases.items():
            samples[name].append(_batch(fn, size))
    results = [Result(name, s) for name, s in samples.items()]
    by = {r.name: r.median for r in results}
    notes = [
        f"Per rule (uncached, 1,000 rules): {by['1000 rules, uncached'] / 1000 * 1e6:.2f} µs; "
        f"cache hit vs uncached with 1,000 rules: "
        f"{by['1000 rules, uncached'] / by['1000 rules, cached']:.0f} times faster.",
    ]
    return MicroReport("Routing decision time", results, notes=notes)
