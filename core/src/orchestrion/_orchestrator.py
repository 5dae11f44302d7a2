"""The Orchestrator: one plugin set, its registry, pools and runs."""

from __future__ import annotations

import os
from collections.abc import AsyncIterable, Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self, cast

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
    from ._metrics._collector import MetricsRecorder
    from ._metrics._health import HealthReport, LastError
    from ._metrics._model import MetricsSnapshot
    from ._metrics._prometheus import MetricsServer
    from ._resilience._breaker_state import BreakerTransition
    from ._resilience._breakers import BreakerRegistry
    from ._resilience._failures import FailureLog
    from ._routing._route import Route
    from ._routing._router import Router
    from ._streams import DeadLetterSink, OffsetStore, Stream
    from .protocols import StateStore

__all__ = ["Orchestrator"]


class Orchestrator:
    """Owns a plugin set, the registry it produced, component pools and
    breakers, and runs workflows. Nothing is shared between two orchestrators.

    ``plugins`` are in-process plugin objects (modules, classes or instances
    with ``@hookimpl`` functions) loaded after the installed ones. ``config`` is
    a :class:`Config`, a mapping as read from TOML, or a path to a config file;
    ``None`` uses defaults. ``selection`` overrides the plugin selection; by
    default it is resolved from the environment and ``config.plugins``.
    ``breakers`` replaces the orchestrator's own circuit-breaker registry (e.g.
    one with a fake clock, in tests).

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
        breakers: BreakerRegistry | None = None,
        state: StateStore | str | Path | None = None,
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
        if breakers is not None:
            self._adopt_breakers(breakers)
        # Issue 7: a store, a store name or an SQLite file path; opened on first use.
        self._state_spec = state

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

            engine = Engine(
                self.registry,
                engine_settings(self.config),
                self.plugins.records,
                breakers=self.breakers,
                failures=self.failures,
                fallback_hooks=self.plugins,
            )
            self.__dict__["_engine"] = engine
            engine.events = self.events  # issue 8: runs publish lifecycle events
            from ._state._wiring import journal_factory

            engine.journal_for = journal_factory(self)  # every run is recorded
        return cast("Engine", engine)

    # -- resilience (issue 4) ------------------------------------------------------

    @property
    def breakers(self) -> BreakerRegistry:
        """The circuit breakers, one per component type, shared by every run of
        this orchestrator: ``breakers.find("llm.main")``, ``.metrics()``,
        ``.reset()``, ``.force_open()``. Transitions are published as
        ``breaker.*`` events once the event bus exists."""
        found = self.__dict__.get("_breakers")
        if found is None:
            from ._resilience._breakers import BreakerRegistry

            found = self._adopt_breakers(BreakerRegistry())
        return cast("BreakerRegistry", found)

    def _adopt_breakers(self, registry: BreakerRegistry) -> BreakerRegistry:
        registry.subscribe(self._breaker_transition)
        self.__dict__["_breakers"] = registry
        return registry

    def _breaker_transition(self, transition: BreakerTransition) -> None:
        self._recorder.breaker_transition(transition)  # issue 10: metrics
        # The bus is made on first use (``events``, ``async with``); transitions
        # before that have no listener to reach.
        bus = self.__dict__.get("_events_bus")
        if bus is not None:
            from ._events._wiring import breaker_observer

            breaker_observer(bus)(transition)

    @property
    def failures(self) -> FailureLog:
        """The newest failure records (failed attempts and fallbacks) of every run
        of this orchestrator: ``failures.query(run_id=..., step=..., component=...)``."""
        found = self.__dict__.get("_failures")
        if found is None:
            from ._resilience._failures import FailureLog

            found = self.__dict__["_failures"] = FailureLog()
        return cast("FailureLog", found)

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
        result = await self.engine.run(workflow, input, deadline=deadline, concurrency=concurrency)
        self._recorder.record_run(result)  # issue 10: one pass over the result
        return result

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

    # -- durable state (issue 7): delegates to orchestrion._state ----------------

    @property
    def store(self) -> StateStore:
        """The state store every run is recorded in: ``state=`` given to the
        constructor (a store, ``"memory"``, ``"sqlite"`` or a file path), else
        the ``[state]`` config table, else the in-process ``memory`` store."""
        store = self.__dict__.get("_store")
        if store is None:
            from ._state._wiring import open_store

            store = self.__dict__["_store"] = open_store(self, self._state_spec)
        return cast("StateStore", store)

    async def resume(
        self,
        run_id: str,
        *,
        workflow: WorkflowLike | None = None,
        force: bool = False,
        deadline: float | None = None,
        concurrency: int | None = None,
    ) -> RunResult:
        """Finish run ``run_id`` from the state store: steps and fan-out items
        with a committed result are not run again (their stored outputs are
        used), the rest run as usual, and the result equals an uninterrupted
        run's. The workflow is the recorded one (or ``workflow``, or its source
        file if that still exists).

        :raises StateError: unknown or finished run, or the workflow or plugin
            set changed since the run started (``force=True`` resumes anyway).
        :raises RunLeaseError: another live process is running it.
        """
        from ._state._resume import resume_run

        wf = None if workflow is None else self.engine.coerce(workflow)
        result = await resume_run(
            self, run_id, workflow=wf, force=force, deadline=deadline, concurrency=concurrency
        )
        self._recorder.record_run(result)
        return result

    # -- metrics and health (issue 10): delegates to orchestrion._metrics --------

    @property
    def _recorder(self) -> MetricsRecorder:
        found = self.__dict__.get("_metrics")
        if found is None:
            from ._metrics._collector import MetricsRecorder

            found = self.__dict__["_metrics"] = MetricsRecorder()
        return cast("MetricsRecorder", found)

    def metrics(self) -> MetricsSnapshot:
        """A snapshot of this orchestrator's metrics: per component type and per
        capability, calls, successes, failures, retries, fallbacks and latency
        percentiles (counted from every run's result); breaker states and
        transitions and pool figures (read now); run totals by status."""
        engine = self.__dict__.get("_engine")
        return self._recorder.snapshot(
            registry=self.registry,
            breakers=self.__dict__.get("_breakers") or (),
            pools=engine.pools if engine is not None else (),
        )

    def serve_metrics(self, *, port: int = 9464, host: str = "127.0.0.1") -> MetricsServer:
        """Serve :meth:`metrics` in Prometheus text format at
        ``http://HOST:PORT/metrics`` from a background thread (a fresh snapshot
        per scrape) until ``close()``. ``port=0`` picks a free port
        (``server.port``). Needs ``pip install 'orchestrion[prometheus]'``.

        :raises ConfigError: without the extra, or when the port is taken.
        """
        from ._metrics._prometheus import MetricsServer

        return MetricsServer(self.metrics, host=host, port=port)

    async def health(
        self,
        *,
        instantiate: bool = False,
        check_timeout: float = 5.0,
        last_errors: Mapping[str, LastError] | None = None,
    ) -> HealthReport:
        """The health of every registered component type: breaker state, last
        error (type and a payload-free message) and the answer of its optional
        ``health()`` check, asked of pooled instances (and, with
        ``instantiate=True``, of one instance made with default options when
        none exists), each within ``check_timeout`` seconds. ``last_errors``
        fills in types this orchestrator saw no failure of (the CLI passes the
        state store's). Unhealthy types are skipped by health-aware routing."""
        from ._metrics._health import check_health

        return await check_health(
            self, instantiate=instantiate, check_timeout=check_timeout, last_errors=last_errors
        )

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
        store = self.__dict__.pop("_store", None)
        if store is not None:
            await store.aclose()

    def close(self, *, backend: str = "asyncio") -> None:
        """:meth:`aclose` from synchronous code."""
        if self.__dict__.get("_engine") is None and self.__dict__.get("_store") is None:
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

            router = Router(self.plugins, self.config, breakers=lambda: self.breakers)
            self.__dict__["_router"] = router
        return cast("Router", router)

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

    # -- streams (issue 8): delegates to orchestrion._streams --------------------

    def stream(
        self,
        source: AsyncIterable[Any] | Iterable[Any],
        *,
        workflow: WorkflowLike | None = None,
        concurrency: int = 16,
        ordered: bool = True,
        buffer: int = 64,
        name: str | None = None,
        on_shutdown: Literal["drain", "cancel"] = "drain",
        dead_letter: DeadLetterSink | None = None,
        offsets: OffsetStore | None = None,
        checkpoint_every: int = 100,
        stats_interval: float | None = 1.0,
        decode: Callable[[Any], Any] | None = None,
        batch: int | None = None,
    ) -> Stream:
        """Process the records of ``source`` (an async or sync iterable), each
        through ``workflow`` or, without one, the route :meth:`plan` picks; use
        the result as ``async with ... as results: async for r in results``.

        Yields one :class:`StreamResult` per record: in source order
        (``ordered=False``: as they finish). At most ``concurrency`` records are
        processed at once and ``buffer`` wait between stages, so a slow consumer
        slows the reading of ``source``. A failed record is yielded with its
        error and handed to ``dead_letter`` (may be async); it never stops the
        stream. ``on_shutdown`` says what leaving the ``async with`` early does
        to records in flight: finish them (``"drain"``) or cancel them.

        A ``name`` makes the stream resumable: its last contiguous offset taken
        by the consumer is checkpointed every ``checkpoint_every`` results and
        on close into ``offsets`` (default: beside the state store), and a
        stream of the same name starts after it. Statistics are
        :attr:`Stream.stats` and ``stream.stats`` events every
        ``stats_interval`` seconds. ``decode`` (e.g. ``json.loads``) is applied
        to each record first; a record it cannot decode fails alone.

        ``batch=N`` (with a ``workflow`` that is a chain of single local steps)
        calls the components directly, up to N records per trip, for cheap
        per-record steps; it skips per-record retries, breakers, lifecycle
        events and health records (see ``docs/streams.md``).

        :raises ConfigError: for a bad workflow or argument, before any record is read.
        """
        from ._streams._stream import Stream

        stream = Stream(
            self,
            source,
            workflow=workflow,
            concurrency=concurrency,
            ordered=ordered,
            buffer=buffer,
            name=name,
            on_shutdown=on_shutdown,
            dead_letter=dead_letter,
            offsets=offsets,
            checkpoint_every=checkpoint_every,
            stats_interval=stats_interval,
            decode=decode,
            batch=batch,
        )
        self._recorder.track_stream(stream.name, lambda: stream.stats)  # issue 10
        return stream
