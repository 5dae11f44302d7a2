"""Components and helpers shared by the stream tests."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import anyio.lowlevel

from orchestrion import ComponentType, Orchestrator, PermanentError, StepContext, hookimpl

#: A one-step workflow over the ``s.jitter`` component.
JITTER = {"name": "jitter", "steps": {"work": {"component": "s.jitter"}}}
#: A one-step workflow whose step fails for records with ``"bad": true``.
PICKY = {"name": "picky", "steps": {"work": {"component": "s.picky"}}}
#: A one-step workflow that waits for :attr:`StreamKit.gates` of a record.
GATED = {"name": "gated", "steps": {"work": {"component": "s.gated"}}}


class StreamKit:
    """An in-process plugin with the stream tests' components."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.started: list[Any] = []
        self.finished: list[Any] = []
        self.gates: dict[Any, anyio.Event] = {}

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """``s.jitter`` (random number of scheduler turns, as workload), ``s.picky``
        (fails bad records), ``s.gated`` (waits for its record's gate) and the
        synchronous ``s.words`` and ``s.count``."""
        kit = self

        class Jitter:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                kit.started.append(data)
                for _ in range(kit.rng.randrange(0, 30)):
                    await anyio.lowlevel.checkpoint()
                kit.finished.append(data)
                return {"value": data}

        class Picky:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                if isinstance(data, dict) and data.get("bad"):
                    msg = f"record {data.get('id')} is bad"
                    raise PermanentError(msg)
                return data

        class Gated:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                kit.started.append(data)
                gate = kit.gates.get(data)
                if gate is not None:
                    await gate.wait()
                kit.finished.append(data)
                return data

        class Words:  # synchronous, as CPU-light parse steps are
            def process(self, data: Any, ctx: StepContext) -> Any:
                return str(data).split()

        class Count:
            def process(self, data: Any, ctx: StepContext) -> Any:
                return len(data)

        register(ComponentType(name="s.words", factory=lambda _o: Words()))
        register(ComponentType(name="s.count", factory=lambda _o: Count()))
        register(ComponentType(name="s.jitter", factory=lambda _o: Jitter()))
        register(ComponentType(name="s.picky", factory=lambda _o: Picky()))
        register(ComponentType(name="s.gated", factory=lambda _o: Gated()))


def orchestrator(kit: StreamKit, **kwargs: Any) -> Orchestrator:
    """A fresh orchestrator with only ``kit`` and the built-ins loaded."""
    return Orchestrator(plugins=[kit], env={"ORCHESTRION_DISABLE_AUTOLOAD": "1"}, **kwargs)


class Counting:
    """An async source of ``0..count-1`` that counts how many it produced."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.produced = 0

    async def __aiter__(self) -> AsyncIterator[int]:
        for i in range(self.count):
            self.produced += 1
            yield i
