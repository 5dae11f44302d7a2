"""Fault injection through Orchestrator.run: retries, timeouts, fallbacks, breakers.

These run whole workflows through the public API: the engine's call seam
(``_engine/_invoke.py``) applies each step's policy.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from orchestrion import ComponentType, Orchestrator, StepContext, Workflow, hookimpl

pytestmark = pytest.mark.anyio


class Faults:
    """Test plugin: components that fail in chosen ways, counting their calls."""

    orchestrion_plugin_name = "faults"

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def count(self, name: str) -> None:
        """Note one call of component ``name``."""
        self.calls[name] = self.calls.get(name, 0) + 1

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """The ``f.*`` component types."""
        faults = self

        class Split:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                return range(data)

        class Flaky:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                faults.count("flaky")
                # Seeded per item and attempt, so scheduling order cannot change it.
                if random.Random(f"{ctx.item}:{ctx.attempt}").random() < 0.3:
                    raise ConnectionError(f"item {ctx.item} dropped")
                return data * 2

        class Hang:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                faults.count("hang")
                await anyio.sleep_forever()

        class Backup:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                faults.count("backup")
                return "from backup"

        class Down:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                faults.count("down")
                raise ConnectionError("service unreachable")

        register(ComponentType(name="f.split", factory=lambda _o: Split(), emits="many"))
        register(ComponentType(name="f.flaky", factory=lambda _o: Flaky()))
        register(ComponentType(name="f.hang", factory=lambda _o: Hang()))
        register(ComponentType(name="f.backup", factory=lambda _o: Backup()))
        register(ComponentType(name="f.down", factory=lambda _o: Down()))


@pytest.fixture
def faults() -> Faults:
    """A fresh fault-injection plugin."""
    return Faults()


def orchestrator(faults: Faults) -> Orchestrator:
    """An orchestrator with only the built-ins and the fault plugin."""
    return Orchestrator(plugins=[faults], config={"plugins": {"autoload": False}}, env={})


@pytest.mark.usefixtures("instant_retries")
async def test_random_failures_in_a_large_fan_out_are_retried(faults: Faults) -> None:
    """A component failing 30% of calls (seeded) completes all 1,000 fan-out items."""
    flow = Workflow.model_validate(
        {
            "name": "flaky-fan-out",
            "steps": {
                "split": {"component": "f.split"},
                "double": {
                    "component": "f.flaky",
                    "for_each": "split",
                    "policy": {"retry": {"attempts": 10}},
                },
            },
        }
    )
    async with orchestrator(faults) as orch:
        with anyio.fail_after(60):
            result = await orch.run(flow, 1000)
    assert result.status == "succeeded"
    assert result.output == [n * 2 for n in range(1000)]
    assert faults.calls["flaky"] > 1000  # some items needed retries


async def test_hanging_component_is_timed_out_retried_then_replaced(faults: Faults) -> None:
    """A hanging step times out on every attempt, then its fallback serves a degraded result."""
    flow = Workflow.model_validate(
        {
            "name": "hang",
            "steps": {
                "lookup": {
                    "component": "f.hang",
                    "policy": {
                        "timeout": {"attempt": 0.05},
                        "retry": {"attempts": 2, "wait_initial": 0, "wait_jitter": 0},
                        "fallback": {"components": ["f.backup"]},
                    },
                }
            },
        }
    )
    async with orchestrator(faults) as orch:
        with anyio.fail_after(3):
            result = await orch.run(flow, "input")
    assert result.status == "degraded"
    step = result.steps["lookup"]
    assert (step.status, step.output) == ("degraded", "from backup")
    assert faults.calls == {"hang": 2, "backup": 1}


async def test_always_failing_component_trips_its_breaker(faults: Faults) -> None:
    """After the breaker trips, later items fail fast without calling the component."""
    flow = Workflow.model_validate(
        {
            "name": "down",
            "policy": {"failure": {"mode": "continue"}},
            "steps": {
                "split": {"component": "f.split"},
                "call": {
                    "component": "f.down",
                    "for_each": "split",
                    "policy": {
                        "retry": {"attempts": 1},
                        "breaker": {"window": 5, "minimum_calls": 5, "open_duration": 60},
                    },
                },
            },
        }
    )
    async with orchestrator(faults) as orch:
        with anyio.fail_after(10):
            first = await orch.run(flow, 20, concurrency=1)
            second = await orch.run(flow, 5, concurrency=1)
    assert faults.calls["down"] == 5
    items = first.steps["call"].items
    assert items is not None
    errors = [item.error.type for item in items if item.error is not None]
    assert errors[:5] == ["ConnectionError"] * 5
    assert set(errors[5:]) == {"CircuitOpenError"}
    assert second.steps["call"].status == "failed"
