"""Built-in plugin ``local``: run component calls in this process."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field

from .._markers import hookimpl
from .._registrations import ExecutorType
from ..protocols import Component, StepContext


class LocalExecutorOptions(BaseModel):
    """Options of the ``local`` executor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threads: int = Field(
        default=8, ge=1, description="Worker threads shared by synchronous components."
    )


class LocalExecutor:
    """Runs ``async def process`` on the event loop and sync ``process`` in a
    worker thread, under one limiter per executor."""

    def __init__(self, options: LocalExecutorOptions | None = None) -> None:
        self.options = options or LocalExecutorOptions()
        self._limiter: anyio.CapacityLimiter | None = None
        self._is_async: dict[int, bool] = {}

    async def call(self, component: Component, data: Any, ctx: StepContext) -> Any:
        """Call ``component.process(data, ctx)`` where it belongs."""
        process: Callable[..., Any] = component.process
        key = id(component)
        is_async = self._is_async.get(key)
        if is_async is None:
            is_async = self._is_async[key] = inspect.iscoroutinefunction(process)
        if is_async:
            return await process(data, ctx)
        if self._limiter is None:
            # Created lazily: a limiter belongs to the event loop that runs it.
            self._limiter = anyio.CapacityLimiter(self.options.threads)
        return await anyio.to_thread.run_sync(process, data, ctx, limiter=self._limiter)


@hookimpl
def register_executors(register: Callable[[ExecutorType], None]) -> None:
    """Register the ``local`` executor."""
    register(ExecutorType(name="local", factory=LocalExecutor, options=LocalExecutorOptions,
                          description="Run steps in this process: async on the event loop, "
                          "sync in worker threads."))
