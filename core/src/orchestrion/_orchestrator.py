"""The Orchestrator: one plugin set, its registry, pools and runs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, cast

from ._config import Config, config_from_mapping, load_config
from ._plugins._manager import PluginSet
from ._plugins._selection import PluginSelection, resolve_selection
from ._registry import Registry
from .exceptions import PluginError

if TYPE_CHECKING:
    from ._engine._engine import Engine, WorkflowLike
    from ._engine._model import Workflow
    from ._engine._pool import Pools
    from ._engine._results import RunResult
    from ._events._bus import EventBus
    from ._resilience._breakers import BreakerRegistry
    from ._routing._route import Route
    from ._routing._router import Router

__all__ = ["Orchestrator"]


class Orchestrator:
    """Owns a plugin set, the registry it produced, component pools and
    breakers, and runs workflows. Nothing is shared between two orchestrators.

    ``plugins`` are in-process plugin objects (modules, classes or instances
    with ``@hookimpl`` functions) loaded after the installed ones. ``config`` is
    a :class:`Config`, a mapping as read from TOML, or a path to a config file;
    ``None`` uses defaults. ``selection`` overrides the plugin selection; by
    default it is resolved from the environment and ``config.plugins``.

    Use it as an async context manager so components are closed::

        async with Orchestrator() as orch:
            result = await orch.run(workflow, data)
    """

    def __init__(
        self,
        *,
        plugins: Iterable[object] = (),
        config: Config | Mapping[str, Any] | str | Path | None = None,
        selection: PluginSelection | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if config is None:
            self.config = Config()
        elif isinstance(config, Config):
            self.config = config
        elif isinstance(config, str | Path):
            self.config = load_config(config)
        else:
            self.config = config_from_mapping(config)
        if selection is None:
            selection = resolve_selection(
                config=self.config.plugins, env=os.environ if env is None else env
            )
        self.selection = selection
        self.plugins = PluginSet(selection, in_process=plugins, config=self.config)

    @property
    def registry(self) -> Registry:
        """Everything the loaded plugins registered."""
        return self.plugins.registry

    @property
    def plugin_problems(self) -> list[PluginError]:
        """One error per plugin that could not be loaded (non-strict mode)."""
        return list(self.plugins.problems)

    # -- workflows (issue 3): delegates to orchestrion._engine ------------------

    @property
    def engine(self) -> Engine:
        """The workflow engine: component pools (``engine.pools``), executors and
        compiled plans. Built on first use from the ``[engine]`` config table."""
        engine = self.__dict__.get("_engine")
        if engine is None:
            from ._engine._engine import Engine
            from ._engine._settings import engine_settings

            engine = Engine(self.registry, engine_settings(self.config), self.plugins.records)
            self.__dict__["_engine"] = engine
        return cast("Engine", engine)

    @property
    def pools(self) -> Pools:
        """The component pools, keyed by (component type, options)."""
        return self.engine.pools

    def validate(self, workflow: WorkflowLike) -> Workflow:
        """Check ``workflow`` (a :class:`Workflow`, a file path or a mapping)
        against the loaded plugins without running it, and return it.

        :raises ConfigError: listing every problem: dangling dependencies, cycles,
            unknown component types or executors, bad options, bad fan-out.
        """
        workflow = self.engine.coerce(workflow)
        self.engine.plan(workflow)
        return workflow

    async def run(
        self,
        workflow: WorkflowLike,
        input: Any = None,
        *,
        deadline: float | None = None,
        concurrency: int | None = None,
    ) -> RunResult:
        """Run ``workflow`` on ``input`` and return its :class:`RunResult`.

        The workflow is validated first (a :class:`ConfigError` before anything
        runs). ``deadline`` (seconds, default: the workflow's) bounds the whole
        run: in-flight steps are then cancelled and the run ends ``cancelled``.
        ``concurrency`` caps the step calls in flight at once (default:
        ``[engine] concurrency``). A failed step never raises here: read
        ``result.status`` or call ``result.raise_for_status()``. Cancelling the
        caller cancels the run, and the cancellation propagates.
        """
        return await self.engine.run(workflow, input, deadline=deadline, concurrency=concurrency)

    def run_sync(
        self,
        workflow: WorkflowLike,
        input: Any = None,
        *,
        deadline: float | None = None,
        concurrency: int | None = None,
        backend: str = "asyncio",
    ) -> RunResult:
        """:meth:`run` from synchronous code, in a fresh event loop (``backend``
        is ``"asyncio"`` or ``"trio"``). Call :meth:`close` when done."""
        import anyio

        async def _run() -> RunResult:
            return await self.run(workflow, input, deadline=deadline, concurrency=concurrency)

        return anyio.run(_run, backend=backend)

    # -- events (issue 8): delegates to orchestrion._events ---------------------

    @property
    def events(self) -> EventBus:
        """This orchestrator's event bus: ``events.subscribe(types, handler)``,
        ``await events.publish(event)``, ``events.stats()``. Its dispatchers and
        the ``[[events.triggers]]`` run while the orchestrator is entered
        (``async with``); outside, ``publish`` delivers inline."""
        from ._events._wiring import bus_of

        return bus_of(self)

    async def aclose(self) -> None:
        """Release everything the orchestrator holds: pooled components are
        closed (their ``aclose()`` or ``close()``), then executors."""
        engine = self.__dict__.get("_engine")
        if engine is not None:
            await engine.aclose()

    def close(self, *, backend: str = "asyncio") -> None:
        """:meth:`aclose` from synchronous code."""
        if self.__dict__.get("_engine") is None:
            return
        import anyio

        anyio.run(self.aclose, backend=backend)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        # Events (issue 8): the bus dispatchers and triggers run while entered.
        from contextlib import AsyncExitStack

        from ._events._wiring import events_running

        stack = AsyncExitStack()
        await stack.enter_async_context(events_running(self))
        self.__dict__.setdefault("_events_stacks", []).append(stack)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stacks = self.__dict__.get("_events_stacks")
        try:
            if stacks:  # triggered runs finish, then queued events are delivered
                await stacks.pop().__aexit__(exc_type, exc, tb)
        finally:
            await self.aclose()

    # -- routing (issue 5): delegates to orchestrion._routing --------------------

    @property
    def routing(self) -> Router:
        """This orchestrator's router: its rules (``routing.load()``,
        ``routing.add_rule()``), health book (``routing.health``, fed by
        :meth:`process` after every routed run; ``record(component, ok,
        duration)`` for anything else) and route cache
        (``routing.cache_info()``, ``routing.clear_cache()``)."""
        router = self.__dict__.get("_router")
        if router is None:
            from ._routing._router import Router

            router = Router(self.plugins, self.config, breakers=self._routing_breakers)
            self.__dict__["_router"] = router
        return cast("Router", router)

    def _routing_breakers(self) -> BreakerRegistry | None:
        """The breaker registry health-aware routing reads (wherever it lives)."""
        found = getattr(self, "breakers", None)
        if found is None:
            found = getattr(self.__dict__.get("_engine"), "breakers", None)
        return cast("BreakerRegistry | None", found)

    def plan(self, data: Any) -> Route:
        """Decide the route for ``data`` (DESIGN §8): rules by priority, else the
        plugins' requirement analysis ordered by hints, capabilities chosen by
        health; cached by data profile. The route's ``explanation`` says why.

        :raises ConfigError: for a bad rule (at first use), a requirement no
            plugin provides, or contradicting ordering hints.
        :raises PluginValidationError: when a plugin's requirement analysis fails.
        """
        return self.routing.plan(data)

    async def process(
        self,
        data: Any,
        requirements: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        route: Route | None = None,
    ) -> RunResult:
        """Route ``data`` (or take the given ``route``), assemble the route into
        a workflow and run it on ``data``; returns the :class:`RunResult`.

        Per-type options come from ``[components."<type>"]`` in config,
        overridden key by key by ``requirements`` (a mapping of component type,
        or capability, to options). Each step's outcome feeds the health book
        that health-aware choices read.

        :raises ConfigError: when the route is empty or options do not validate.
        """
        from ._routing._assemble import assemble

        if route is None:
            route = self.plan(data)
        workflow = assemble(route, self.registry, self.config, requirements)
        result = await self.run(workflow, data)
        self.routing.record_run(result)
        return result
