"""Built-in plugin ``local``: run component calls in this process."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar
from pydantic import BaseModel, ConfigDict, Field

from .._markers import hookimpl
from .._registrations import ExecutorType
from ..protocols import StepCall, StepContext


class LocalExecutorOptions(BaseModel):
    """Options of the ``local`` executor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threads: int = Field(
        default=8, ge=1, description="Worker threads shared by synchronous components."
    )


class LocalExecutor:
    """Runs ``async def process`` on the event loop and sync ``process`` in a
    worker thread, under one thread limiter per executor and event loop."""

    def __init__(self, options: LocalExecutorOptions | None = None) -> None:
        self.options = options or LocalExecutorOptions()
        # A limiter belongs to the event loop that runs it, and one executor may
        # serve several loops in turn (run_sync), hence a per-loop variable.
        self._limiter: RunVar[anyio.CapacityLimiter] = RunVar(f"orchestrion-local-{id(self)}")

    def limiter(self) -> anyio.CapacityLimiter:
        """The thread limiter of the current event loop."""
        try:
            return self._limiter.get()
        except LookupError:
            limiter = anyio.CapacityLimiter(self.options.threads)
            self._limiter.set(limiter)
            return limiter

    async def call(self, call: StepCall) -> Any:
        """Call ``call.component.process(data, ctx)`` where it belongs; items of an
        ``emits_many`` call are collected where they are produced."""
        component = call.component
        # The engine always passes an instance to a non-remote executor.
        assert component is not None, "the local executor needs a component instance"
        process: Callable[..., Any] = component.process
        if inspect.iscoroutinefunction(process):
            out = await process(call.data, call.ctx)
            if call.emits_many and hasattr(out, "__aiter__"):
                return [item async for item in out]
            return out
        if inspect.isasyncgenfunction(process):
            return [item async for item in process(call.data, call.ctx)]
        many = call.emits_many
        return await anyio.to_thread.run_sync(
            _call_sync, process, call.data, call.ctx, many, limiter=self.limiter()
        )


def _call_sync(process: Callable[..., Any], data: Any, ctx: StepContext, many: bool) -> Any:
    out = process(data, ctx)
    # Iterate in the worker thread: a generator's work must not run on the loop.
    if many and not isinstance(out, list | tuple) and hasattr(out, "__iter__"):
        return list(out)
    return out


@hookimpl
def register_executors(register: Callable[[ExecutorType], None]) -> None:
    """Register the ``local`` executor."""
    register(
        ExecutorType(
            name="local",
            factory=LocalExecutor,
            options=LocalExecutorOptions,
            description="Run steps in this process: async on the event loop, "
            "sync in worker threads.",
        )
    )
