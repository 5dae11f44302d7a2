"""Breaker transitions of the orchestrator's breakers reach its event bus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orchestrion import ComponentType, Event, Orchestrator, StepContext, hookimpl

pytestmark = pytest.mark.anyio


class Down:
    """Test plugin: ``d.down`` always fails."""

    orchestrion_plugin_name = "down"

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """The ``d.down`` component type."""

        class Failing:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                raise ConnectionError("unreachable")

        register(ComponentType(name="d.down", factory=lambda _o: Failing()))


async def test_breaker_opened_by_runs_is_published() -> None:
    """Runs that trip a breaker publish breaker.opened; a manual reset publishes breaker.closed."""
    flow = {
        "name": "down",
        "steps": {
            "s": {
                "component": "d.down",
                "policy": {
                    "retry": {"attempts": 1},
                    "breaker": {"window": 2, "minimum_calls": 2, "open_duration": 60},
                },
            }
        },
    }
    seen: list[tuple[str, Any]] = []

    async def record(event: Event) -> None:
        seen.append((event.type, event.data.get("breaker")))

    orch = Orchestrator(plugins=[Down()], config={"plugins": {"autoload": False}}, env={})
    orch.events.subscribe("breaker.*", record, name="watch")
    async with orch:
        for _ in range(2):
            await orch.run(flow, "x")
        breaker = orch.breakers.find("d.down")
        assert breaker is not None
        breaker.reset()
        await orch.events.drain()
    assert seen == [("breaker.opened", "d.down"), ("breaker.closed", "d.down")]
