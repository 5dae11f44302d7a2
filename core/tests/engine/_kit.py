"""Test components for the engine tests, registered by an in-process plugin.

Every component reports to the plugin object (``Kit``), so tests can see what
ran, in which order, in which thread, and hold steps at gates (anyio events).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import anyio.lowlevel
from pydantic import BaseModel, ConfigDict, Field

from orchestrion import ComponentType, PermanentError, StepContext, hookimpl


class _Opts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DepthOptions(_Opts):
    """Options with a bound, for option-validation tests."""

    max_depth: int = Field(default=3, ge=1)


class SaltOptions(_Opts):
    """A salt mixed into the output, so each step's output is distinct."""

    salt: str = ""


class GateOptions(_Opts):
    """Which gate the step waits at."""

    gate: str


def combine(salt: str, data: Any) -> Any:
    """The deterministic function every ``t.combine`` step computes."""
    if isinstance(data, dict):
        inner = ",".join(f"{k}={v}" for k, v in sorted(data.items()))
        return f"{salt}({inner})"
    return f"{salt}({data})"


class Kit:
    """The test plugin: registers ``t.*`` component types and records what they do."""

    orchestrion_plugin_name = "kit"

    def __init__(self) -> None:
        self.log: list[tuple[str, str, int | None]] = []  # (event, step, item)
        self.gates: dict[str, anyio.Event] = {}
        self.reached: dict[str, anyio.Event] = {}
        self.created: list[str] = []
        self.closed: list[str] = []
        self.threads: list[int] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.all_in: anyio.Event | None = None
        self.expect_in_flight = 0
        self.tasks: list[object] = []

    def gate(self, name: str) -> anyio.Event:
        """The event that releases steps waiting at gate ``name``."""
        if name not in self.gates:
            self.gates[name] = anyio.Event()
        return self.gates[name]

    def arrived(self, name: str) -> anyio.Event:
        """Set when a step arrives at gate ``name``."""
        if name not in self.reached:
            self.reached[name] = anyio.Event()
        return self.reached[name]

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """The ``t.*`` test component types."""
        kit = self

        class Echo:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                kit.log.append(("run", ctx.step, ctx.item))
                kit.tasks.append(anyio.get_current_task().id)
                return data

        class Combine:
            def __init__(self, options: SaltOptions) -> None:
                self.salt = options.salt

            async def process(self, data: Any, ctx: StepContext) -> Any:
                kit.log.append(("start", ctx.step, ctx.item))
                await anyio.lowlevel.checkpoint()
                out = combine(self.salt, data)
                kit.log.append(("end", ctx.step, ctx.item))
                return out

        class Depth:
            def __init__(self, options: DepthOptions) -> None:
                self.options = options

            async def process(self, data: Any, ctx: StepContext) -> Any:
                return data

        class Gate:
            def __init__(self, options: GateOptions) -> None:
                self.name = options.gate

            async def process(self, data: Any, ctx: StepContext) -> Any:
                kit.log.append(("start", ctx.step, ctx.item))
                kit.arrived(self.name).set()
                try:
                    await kit.gate(self.name).wait()
                except anyio.get_cancelled_exc_class():
                    kit.log.append(("cancelled", ctx.step, ctx.item))
                    raise
                kit.log.append(("end", ctx.step, ctx.item))
                return data

        class Fail:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                kit.log.append(("run", ctx.step, ctx.item))
                raise PermanentError(f"step {ctx.step} refuses its input of {len(str(data))} chars")

        class FailOdd:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                if data % 2:
                    raise ValueError(f"odd item {ctx.item}")
                return data * 10

        class Split:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                kit.log.append(("run", ctx.step, ctx.item))
                return range(data) if isinstance(data, int) else iter(data)

        class AsyncGenSplit:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                for i in range(data):
                    await anyio.lowlevel.checkpoint()
                    yield i

        class SyncSplit:
            def process(self, data: Any, ctx: StepContext) -> Iterator[int]:
                kit.threads.append(threading.get_ident())
                yield from range(data)

        class SyncDouble:
            def process(self, data: Any, ctx: StepContext) -> Any:
                kit.threads.append(threading.get_ident())
                return data * 2

        class Crowd:
            """Waits until ``kit.expect_in_flight`` calls are in flight together."""

            async def process(self, data: Any, ctx: StepContext) -> Any:
                kit.in_flight += 1
                kit.max_in_flight = max(kit.max_in_flight, kit.in_flight)
                assert kit.all_in is not None
                if kit.in_flight >= kit.expect_in_flight:
                    kit.all_in.set()
                try:
                    await kit.all_in.wait()
                finally:
                    kit.in_flight -= 1
                return data

        class Closing:
            def __init__(self, options: SaltOptions) -> None:
                self.name = f"closing-{options.salt}-{len(kit.created)}"
                kit.created.append(self.name)

            async def process(self, data: Any, ctx: StepContext) -> Any:
                await anyio.lowlevel.checkpoint()
                return data

            async def aclose(self) -> None:
                kit.closed.append(self.name)

        class SyncClosing:
            def __init__(self, options: SaltOptions) -> None:
                self.name = f"sync-{len(kit.created)}"
                kit.created.append(self.name)

            def process(self, data: Any, ctx: StepContext) -> Any:
                return data

            def close(self) -> None:
                kit.closed.append(self.name)

        def simple(name: str, cls: Any, **kw: Any) -> None:
            register(ComponentType(name=name, factory=lambda _o: cls(), **kw))

        def with_options(name: str, cls: Any, options: type[BaseModel], **kw: Any) -> None:
            register(ComponentType(name=name, factory=cls, options=options, **kw))

        simple("t.echo", Echo)
        simple("t.fail", Fail)
        simple("t.fail_odd", FailOdd)
        simple("t.split", Split, emits="many")
        simple("t.agen_split", AsyncGenSplit, emits="many")
        simple("t.sync_split", SyncSplit, emits="many")
        simple("t.sync_double", SyncDouble)
        simple("t.crowd", Crowd)
        with_options("t.combine", Combine, SaltOptions)
        with_options("t.depth", Depth, DepthOptions)
        with_options("t.gate", Gate, GateOptions)
        with_options("t.closing", Closing, SaltOptions)
        with_options("t.sync_closing", SyncClosing, SaltOptions)
