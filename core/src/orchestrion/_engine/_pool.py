"""Component pools: instances of one component type with equal options, made on
demand by the type's factory and reused across steps and runs.

A pool holds at most ``size`` instances. A call takes an idle instance, or
makes a new one while the pool is below its size. When every instance is busy,
an async component's call shares the least busy instance (async components
serve concurrent calls, like any asyncio client), while a sync component's call
waits for a free instance, since it runs in a worker thread and need not be
thread-safe.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass, field
from typing import Any

import anyio
from pydantic import BaseModel

from .._registrations import ComponentType
from ..exceptions import ConfigError
from ..protocols import Component

__all__ = ["ComponentPool", "Instance", "Pools"]

log = logging.getLogger("orchestrion.engine")


@dataclass(slots=True, eq=False)
class Instance:
    """One pooled component with its bookkeeping."""

    component: Any
    id: str
    is_async: bool
    is_asyncgen: bool
    busy: int = 0


@dataclass(slots=True, eq=False)
class ComponentPool:
    """The instances of one (component type, options) pair."""

    type: ComponentType[Any]
    options: BaseModel
    size: int
    label: str
    instances: list[Instance] = field(default_factory=list)
    idle: list[Instance] = field(default_factory=list)
    _freed: anyio.Event | None = None
    _creating: int = 0
    #: Calls that had to wait for a free instance (metrics, issue 10).
    waits: int = 0

    async def acquire(self) -> Instance:
        """An instance to call; pair every call with :meth:`release`.

        The scheduler inlines the common case (``idle`` non-empty) itself.
        """
        while True:
            if self.idle:
                inst = self.idle.pop()
                inst.busy += 1
                return inst
            if len(self.instances) + self._creating < self.size:
                inst = await self._create()
                inst.busy += 1
                return inst
            shared = [i for i in self.instances if i.is_async or i.is_asyncgen]
            if shared:
                inst = min(shared, key=lambda i: i.busy)
                inst.busy += 1
                return inst
            if self._freed is None:
                self._freed = anyio.Event()
            self.waits += 1
            await self._freed.wait()

    def release(self, inst: Instance) -> None:
        """Give ``inst`` back after a call."""
        inst.busy -= 1
        if inst.busy == 0:
            self.idle.append(inst)
            if self._freed is not None:
                self._freed.set()
                self._freed = None

    async def _create(self) -> Instance:
        self._creating += 1
        try:
            component = self.type.factory(self.options)
            if inspect.isawaitable(component):
                component = await component
        finally:
            self._creating -= 1
        if not isinstance(component, Component):
            msg = (
                f"the factory of component type {self.type.name!r} returned "
                f"{type(component).__name__}, which has no process(data, ctx) method; "
                "fix the plugin that registers it"
            )
            raise ConfigError(msg)
        process = component.process
        inst = Instance(
            component=component,
            id=f"{self.label}#{len(self.instances) + 1}",
            is_async=inspect.iscoroutinefunction(process),
            is_asyncgen=inspect.isasyncgenfunction(process),
        )
        self.instances.append(inst)
        return inst

    async def aclose(self) -> list[BaseException]:
        """Close every instance (``aclose()`` or ``close()``); the errors raised."""
        errors: list[BaseException] = []
        instances, self.instances, self.idle = self.instances, [], []
        for inst in instances:
            try:
                closer = getattr(inst.component, "aclose", None)
                if closer is None:
                    closer = getattr(inst.component, "close", None)
                if closer is not None:
                    result = closer()
                    if inspect.isawaitable(result):
                        await result
            except Exception as exc:  # a component's own cleanup: report, keep closing
                log.warning("closing %s failed: %s: %s", inst.id, type(exc).__name__, exc)
                errors.append(exc)
        return errors


class Pools:
    """All component pools of one orchestrator, keyed by (type name, options)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pools: dict[tuple[str, str], ComponentPool] = {}
        self._per_type: dict[str, int] = {}

    def get(self, ctype: ComponentType[Any], options: BaseModel) -> ComponentPool:
        """The pool for ``ctype`` with ``options``, created (empty) if needed."""
        try:
            key = (ctype.name, options.model_dump_json())
        except ValueError:  # pydantic's serialisation error; options need not be JSON
            key = (ctype.name, repr(options))
        pool = self._pools.get(key)
        if pool is None:
            n = self._per_type[ctype.name] = self._per_type.get(ctype.name, 0) + 1
            pool = ComponentPool(ctype, options, self.size, label=f"{ctype.name}/{n}")
            self._pools[key] = pool
        return pool

    def __iter__(self) -> Any:
        return iter(self._pools.values())

    def __len__(self) -> int:
        return len(self._pools)

    async def aclose(self) -> list[BaseException]:
        """Close every pooled component; the errors their cleanup raised."""
        errors: list[BaseException] = []
        pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            errors.extend(await pool.aclose())
        return errors
