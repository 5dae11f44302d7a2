"""A plugin whose components log every execution (by idempotency key) and can
be held at a gate, and the workflow the state tests run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
from pydantic import BaseModel, ConfigDict

from orchestrion import ComponentType, StepContext, Workflow, hookimpl


class IncOptions(BaseModel):
    """Options of ``t.inc``: the step it depends on (checked to be committed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    parent: str | None = None


class StatePlugin:
    """Components ``t.emit`` (``range(data)``), ``t.inc`` (``data + 1``),
    ``t.sum`` and ``t.obj`` (an unserialisable ``object()``).

    ``executions`` lists the idempotency key of every call; a call whose key is
    in ``hold`` waits for ``gate``; ``committed`` (filled by a test's store)
    lets ``t.inc`` check that its parent's result was committed before it ran.
    """

    orchestrion_plugin_name = "state-test"

    def __init__(self) -> None:
        self.executions: list[str] = []
        self.hold: set[str] = set()
        self.gate = anyio.Event()
        self.holding = anyio.Event()
        self.committed: set[tuple[str, int | None]] | None = None
        self.violations: list[str] = []

    async def _enter(self, ctx: StepContext) -> None:
        self.executions.append(ctx.idempotency_key)
        if ctx.idempotency_key in self.hold:
            self.holding.set()
            await self.gate.wait()

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        plugin = self

        class Emit:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                await plugin._enter(ctx)
                return list(range(int(data)))

        class Inc:
            def __init__(self, options: IncOptions) -> None:
                self.parent = options.parent

            async def process(self, data: Any, ctx: StepContext) -> Any:
                committed = plugin.committed
                parent = self.parent
                if committed is not None and parent and (parent, ctx.item) not in committed:
                    plugin.violations.append(ctx.idempotency_key)
                await plugin._enter(ctx)
                return data + 1

        class Sum:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                await plugin._enter(ctx)
                return sum(data)

        class Obj:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                await plugin._enter(ctx)
                return object()

        register(ComponentType(name="t.emit", factory=lambda _o: Emit(), emits="many"))
        register(ComponentType(name="t.inc", factory=Inc, options=IncOptions))
        register(ComponentType(name="t.sum", factory=lambda _o: Sum()))
        register(ComponentType(name="t.obj", factory=lambda _o: Obj()))


def fan_workflow(items: int = 10, chain: int = 5) -> Workflow:
    """``emit`` -> per item ``a`` -> per item ``b`` -> ``total`` (gather) -> a chain."""
    builder = (
        Workflow.builder("fan")
        .step("emit", "t.emit")
        .step("a", "t.inc", for_each="emit")
        .step("b", "t.inc", for_each="a", options={"parent": "a"})
        .step("total", "t.sum", depends_on="b", gather=True)
    )
    previous = "total"
    for i in range(chain):
        builder.step(f"c{i}", "t.inc", depends_on=previous, options={"parent": previous})
        previous = f"c{i}"
    return builder.build()
