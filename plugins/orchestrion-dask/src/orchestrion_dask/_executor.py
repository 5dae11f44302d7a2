"""The ``dask`` executor: component calls submitted to a ``dask.distributed`` cluster.

Only the call runs on the cluster; routing, scheduling, retries, breakers and
run state stay in the orchestrator. The executor uses a *synchronous*
``distributed.Client`` (it runs its own event loop in a background thread) and
waits for each future in a worker thread (``anyio.to_thread``), so it works the
same under asyncio and trio: the client's asynchronous mode is asyncio-only.
"""

from __future__ import annotations

import pickle
import threading
import uuid
from collections.abc import Mapping
from concurrent.futures import CancelledError as FutureCancelled
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread
from anyio.lowlevel import RunVar

from orchestrion import Config, PermanentError, StepCall, TransientError

from ._options import DaskExecutorOptions
from ._worker import Missing, Ok, run_call

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

__all__ = ["DaskExecutor", "WorkerPluginMissing"]


class WorkerPluginMissing(PermanentError):
    """Raised by the ``dask`` executor when a Dask worker cannot build a step's
    component: the plugin providing it (``plugin``) is not installed, blocked or
    broken on worker ``worker``. Retrying cannot help, so it is permanent."""

    def __init__(
        self,
        message: str,
        *,
        plugin: str,
        worker: str,
        step: str | None = None,
        component: str | None = None,
    ):
        self.plugin = plugin
        self.worker = worker
        super().__init__(message, step=step, component=component)


def _lost_errors() -> tuple[type[BaseException], ...]:
    """What ``distributed`` raises when the worker or the connection is lost."""
    from distributed import KilledWorker
    from distributed.comm.core import CommClosedError

    return (KilledWorker, CommClosedError, FutureCancelled)


class DaskExecutor:
    """Runs component calls on a Dask cluster (see the module docstring).

    At most ``options.max_in_flight`` calls are submitted and unfinished at once
    per event loop; more wait here. Cancelling a call cancels its future. A lost
    worker or connection raises :class:`~orchestrion.TransientError`, which the
    step's retry policy retries.
    """

    #: The engine passes no local instance: workers rebuild components themselves.
    remote = True

    def __init__(
        self, options: DaskExecutorOptions | None = None, *, config: Config | None = None
    ) -> None:
        self.options = options or DaskExecutorOptions()
        self.config = config or Config()
        self._lock = threading.Lock()
        self._client: Client | None = None
        self._cluster: LocalCluster | None = None
        self._closed = False
        self._registry: Any = None
        self._records: Mapping[str, Any] = {}
        self._plugins: tuple[str, ...] = ()
        self._selections: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {}
        # Limiters belong to the event loop that uses them (an executor may
        # serve several loops in turn), hence per-loop variables.
        self._in_flight: RunVar[anyio.CapacityLimiter] = RunVar(f"orchestrion-dask-{id(self)}")
        self._waiters: RunVar[anyio.CapacityLimiter] = RunVar(f"orchestrion-dask-w-{id(self)}")

    @property
    def cluster(self) -> LocalCluster | None:
        """The LocalCluster this executor started (``None`` with ``address``,
        before the first call, and after :meth:`aclose`)."""
        return self._cluster

    # -- set-up --------------------------------------------------------------------

    def bind(self, registry: Any, records: Mapping[str, Any]) -> None:
        """Learn the orchestrator's plugins: which plugin provides each component
        type, and the plugin names workers load (unless ``options.plugins``)."""
        self._records = records
        self._registry = registry
        if self.options.plugins is not None:
            self._plugins = tuple(sorted(set(self.options.plugins)))
        else:
            loaded = (r for r in records.values() if r.status == "ok" and not r.builtin)
            self._plugins = tuple(sorted(r.name for r in loaded))
        self._selections = {}

    def _selection(self, owner: str) -> tuple[tuple[str, ...], dict[str, Any]]:
        """The plugin names workers load for a type ``owner`` provides, and those
        plugins' own configuration tables (never the rest of the config)."""
        found = self._selections.get(owner)
        if found is None:
            plugins = self._plugins
            if owner and owner not in plugins and not self._builtin(owner):
                plugins = tuple(sorted({*plugins, owner}))
            tables = {n: dict(self.config.section(n)) for n in plugins}
            found = self._selections[owner] = (plugins, {n: t for n, t in tables.items() if t})
        return found

    def _limiter(self, var: RunVar[anyio.CapacityLimiter]) -> anyio.CapacityLimiter:
        try:
            return var.get()
        except LookupError:
            limiter = anyio.CapacityLimiter(self.options.max_in_flight)
            var.set(limiter)
            return limiter

    def _connect(self) -> Client:
        """The client, connecting (or starting the LocalCluster) on first use;
        blocking, so called in a worker thread."""
        with self._lock:
            if self._client is not None:
                return self._client
            if self._closed:
                msg = "this dask executor is closed; create a new orchestrator to run workflows"
                raise PermanentError(msg)
            import dask
            from distributed import Client, LocalCluster

            opts = self.options
            timeout = f"{opts.connect_timeout}s"
            try:
                if opts.address is not None:
                    self._client = Client(  # type: ignore[no-untyped-call]
                        opts.address, timeout=timeout, set_as_default=False
                    )
                else:
                    # The orchestrator's retry policy owns retries: the scheduler
                    # must report a lost worker at once instead of re-running
                    # the task by itself.
                    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                        self._cluster = LocalCluster(  # type: ignore[no-untyped-call]
                            n_workers=opts.n_workers,
                            threads_per_worker=opts.threads_per_worker,
                            processes=opts.processes,
                            memory_limit=opts.memory_limit,
                            dashboard_address=opts.dashboard_address,
                            # Without a dashboard the scheduler still serves its
                            # health routes: on a free port, not on 8787.
                            scheduler_kwargs=(
                                {} if opts.dashboard_address else {"dashboard_address": ":0"}
                            ),
                        )
                    self._client = Client(  # type: ignore[no-untyped-call]
                        self._cluster, timeout=timeout, set_as_default=False
                    )
            except (OSError, TimeoutError) as exc:
                where = opts.address or "a LocalCluster"
                msg = (
                    f"cannot reach the Dask scheduler at {where}: {type(exc).__name__}: {exc}; "
                    "check that it is running and reachable (engine.executors.dask.address)"
                )
                raise TransientError(msg) from exc
            return self._client

    # -- calls ---------------------------------------------------------------------

    async def call(self, call: StepCall) -> Any:
        """Run ``call`` on a worker and return the component's output."""
        ctx = call.ctx
        registry = self._registry
        owner = (registry.components.owner(call.component_type) if registry else None) or ""
        plugins, tables = self._selection(owner)
        options = call.options.model_dump(mode="json")
        async with self._limiter(self._in_flight):
            client = self._client
            if client is None:
                client = await anyio.to_thread.run_sync(self._connect)
            try:
                future: Future[Ok | Missing] = client.submit(
                    run_call,
                    plugins,
                    tables,
                    owner,
                    call.component_type,
                    options,
                    call.data,
                    ctx,
                    call.emits_many,
                    key=f"{call.component_type}-{uuid.uuid4().hex}",
                    pure=False,
                )
            except (TypeError, pickle.PicklingError) as exc:
                # distributed pickles the task here; what fails is the input
                # or the context, which the local executor never pickles.
                msg = (
                    f"step {ctx.step!r}: its call cannot be sent to the Dask workers "
                    f"({type(exc).__name__}: {exc}); the input and ctx.extra must pickle: "
                    "make them picklable, or run this step with executor = 'local'"
                )
                raise PermanentError(msg, step=ctx.step, component=call.component_type) from exc
            try:
                outcome = await anyio.to_thread.run_sync(
                    future.result, abandon_on_cancel=True, limiter=self._limiter(self._waiters)
                )
            except anyio.get_cancelled_exc_class():
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(future.cancel)
                raise
            except _lost_errors() as exc:
                where = f"step {ctx.step!r}" + ("" if ctx.item is None else f" item {ctx.item}")
                msg = (
                    f"the Dask worker running {where} was lost ({type(exc).__name__}: {exc}); "
                    "the step's retry policy retries it; if it recurs, check the workers' "
                    "memory limits and logs"
                )
                raise TransientError(msg, step=ctx.step, component=call.component_type) from exc
        if isinstance(outcome, Missing):
            raise self._missing(outcome, owner, call)
        ctx.extra.update(outcome.extra)
        return outcome.value

    def _builtin(self, plugin: str) -> bool:
        record = self._records.get(plugin)
        return bool(record is not None and record.builtin)

    def _missing(self, missing: Missing, owner: str, call: StepCall) -> WorkerPluginMissing:
        record = self._records.get(owner)
        if record is not None and record.distribution:
            fix = f"pip install '{record.distribution}=={record.version}' on every worker"
        elif not owner:
            fix = "install the plugin that provides it on every worker"
        else:
            fix = (
                f"{owner!r} is an in-process plugin here: package it with an 'orchestrion' "
                "entry point and install it on every worker"
            )
        loaded = ", ".join(missing.loaded) or "none"
        msg = (
            f"step {call.ctx.step!r}: component type {call.component_type!r} cannot be built "
            f"on Dask worker {missing.worker}: {missing.problem} (plugins loaded there: "
            f"{loaded}); {fix}, or run this step with executor = 'local'"
        )
        return WorkerPluginMissing(
            msg,
            plugin=owner,
            worker=missing.worker,
            step=call.ctx.step,
            component=call.component_type,
        )

    # -- shutdown ------------------------------------------------------------------

    def _close(self) -> None:
        with self._lock:
            self._closed = True
            client, cluster = self._client, self._cluster
            self._client = self._cluster = None
        if client is not None:
            client.close()  # type: ignore[no-untyped-call]
        if cluster is not None:
            cluster.close()

    async def aclose(self) -> None:
        """Disconnect from the scheduler; stop the LocalCluster if this executor
        started it."""
        await anyio.to_thread.run_sync(self._close)
