"""The engine one orchestrator owns: its pools, executors, compiled plans and
per-type limiters, and the ``run`` entry point."""

from __future__ import annotations

import inspect
import logging
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any

import anyio
from anyio.lowlevel import RunVar
from pydantic import BaseModel, ValidationError

from .._builtin.local_executor import LocalExecutor
from .._events._run_events import RunEvents
from .._registrations import ComponentType
from .._registry import Registry
from .._resilience._apply import FallbackHooks
from .._resilience._breakers import BreakerRegistry
from .._resilience._failures import FailureLog
from ..exceptions import ConfigError
from ._finish import build_result
from ._loader import load_workflow, validation_message, workflow_from_mapping
from ._model import Workflow
from ._plan import Plan, compile_plan
from ._pool import ComponentPool, Pools
from ._results import RunResult, utc_now
from ._scheduler import RunState, execute
from ._settings import EngineSettings

if TYPE_CHECKING:
    from .._events._bus import EventBus

__all__ = ["Engine", "WorkflowLike"]

log = logging.getLogger("orchestrion.engine")

#: What ``run`` accepts as a workflow: a model, a file path, or a mapping.
WorkflowLike = Workflow | str | Path | Mapping[str, Any]

# Compiled plans kept per engine; a workflow object is compiled once.
_PLAN_CACHE_SIZE = 64


class Engine:
    """Runs workflows against one registry; owns pools and executors."""

    def __init__(
        self,
        registry: Registry,
        settings: EngineSettings,
        records: Mapping[str, Any],
        *,
        breakers: BreakerRegistry | None = None,
        failures: FailureLog | None = None,
        fallback_hooks: FallbackHooks | None = None,
    ) -> None:
        self.registry = registry
        self.settings = settings
        self.records = records
        # Resilience (issue 4): the orchestrator's breakers and failure log, and
        # the plugin set asked ``provide_fallback``; every plan's steps use them.
        self.breakers = breakers
        self.failures = failures
        self.fallback_hooks = fallback_hooks
        self.pools = Pools(settings.pool_size)
        # Durable state (issue 7): makes the journal of a new run (workflow,
        # input, run id, source file); set by the orchestrator that owns a store.
        self.journal_for: Callable[[Workflow, Any, str, str | None], Any] | None = None
        # Events (issue 8): the orchestrator's bus; runs publish their
        # lifecycle events on it when a handler listens (set by the orchestrator).
        self.events: EventBus | None = None
        self.executors: dict[str, Any] = {}
        self._plans: OrderedDict[int, tuple[Workflow, int, Plan]] = OrderedDict()
        self._limiters: RunVar[dict[str, anyio.CapacityLimiter]] = RunVar(
            f"orchestrion-limits-{id(self)}"
        )
        self.closed = False

    # -- plans -------------------------------------------------------------------

    def _executor(self, name: str) -> tuple[Any, bool]:
        executor = self.executors.get(name)
        if executor is None:
            etype = self.registry.executors.require(name)
            try:
                options = etype.options.model_validate(self.settings.executors.get(name, {}))
            except ValidationError as exc:
                message, key = validation_message(exc, prefix=f"engine.executors.{name}")
                raise ConfigError(message, key=key) from None
            executor = self.executors[name] = etype.factory(options)
            # An executor that runs calls elsewhere rebuilds components from the
            # plugins there, so it is told which plugins this orchestrator holds.
            bind = getattr(executor, "bind", None)
            if bind is not None:
                bind(self.registry, self.records)
        return executor, type(executor) is LocalExecutor

    def _pool(self, ctype: ComponentType[Any], options: BaseModel) -> ComponentPool:
        return self.pools.get(ctype, options)

    def coerce(self, workflow: WorkflowLike) -> Workflow:
        """A :class:`Workflow` from a model, a file path or a mapping."""
        if isinstance(workflow, Workflow):
            return workflow
        if isinstance(workflow, str | Path):
            return load_workflow(workflow)
        if isinstance(workflow, Mapping):
            return workflow_from_mapping(workflow, source="<mapping>")
        kind = type(workflow).__name__  # type: ignore[unreachable]
        msg = f"expected a Workflow, a workflow file path or a mapping, got {kind}"
        raise ConfigError(msg)

    def plan(self, workflow: Workflow, *, source: str | None = None) -> Plan:
        """The compiled plan of ``workflow`` (cached per workflow object)."""
        key = id(workflow)
        cached = self._plans.get(key)
        generation = self.registry.generation
        if cached is not None and cached[0] is workflow and cached[1] == generation:
            self._plans.move_to_end(key)
            return cached[2]
        plan = compile_plan(
            workflow,
            self.registry,
            pool_for=self._pool,
            executor_for=self._executor,
            default_executor=self.settings.executor,
            limits=self.settings.limits,
            base_policy=self.settings.policy,
            records=self.records,
            source=source,
            breakers=self.breakers,
            failure_log=self.failures,
            fallback_hooks=self.fallback_hooks,
        )
        self._plans[key] = (workflow, generation, plan)
        if len(self._plans) > _PLAN_CACHE_SIZE:
            self._plans.popitem(last=False)
        return plan

    # -- runs --------------------------------------------------------------------

    def _limiters_here(self) -> dict[str, anyio.CapacityLimiter]:
        try:
            return self._limiters.get()
        except LookupError:
            limiters = {name: anyio.CapacityLimiter(n) for name, n in self.settings.limits.items()}
            self._limiters.set(limiters)
            return limiters

    async def run(
        self,
        workflow: WorkflowLike,
        data: Any = None,
        *,
        deadline: float | None = None,
        concurrency: int | None = None,
        run_id: str | None = None,
        observer: Callable[[RunState], None] | None = None,
        journal: Any = None,
    ) -> RunResult:
        """Validate and run ``workflow`` on ``data``; see :meth:`Orchestrator.run`.

        ``observer`` receives the live run state before the run starts (the CLI
        polls it for its progress display; nothing is called per step).
        ``journal`` (a resume's) records the run in a state store; by default
        :attr:`journal_for` makes one.
        """
        if self.closed:
            msg = "this orchestrator is closed; create a new one to run workflows"
            raise ConfigError(msg)
        wf = self.coerce(workflow)
        source = str(workflow) if isinstance(workflow, str | Path) else None
        plan = self.plan(wf, source=source)
        if concurrency is None:
            concurrency = self.settings.concurrency
        elif concurrency < 1:
            msg = f"concurrency must be at least 1, got {concurrency}"
            raise ConfigError(msg, key="concurrency")
        if deadline is None:
            deadline = wf.deadline
        elif deadline <= 0:
            msg = f"deadline must be positive, got {deadline}"
            raise ConfigError(msg, key="deadline")
        state = RunState(
            plan,
            data,
            run_id or uuid.uuid4().hex,
            concurrency,
            self._limiters_here() if self.settings.limits else {},
        )
        if journal is None and self.journal_for is not None:
            journal = self.journal_for(wf, data, state.run_id, source)
        if journal is not None:
            await journal.begin(state)
        if observer is not None:
            observer(state)
        events = state.events = RunEvents.for_run(self.events, state.run_id)  # issue 8
        if events is not None:
            await events.run_started(workflow=wf.name, steps=state.n, data=data)
        wall0 = utc_now()
        pc0 = perf_counter()
        try:
            await execute(state, deadline)
        except BaseException as exc:
            if journal is None:
                raise
            await journal.abort()  # interrupted: stays resumable, lease released
            state_error = journal.state_error(exc)
            if state_error is None:
                raise
            raise state_error from exc  # the store failed: one clear error
        if journal is not None:
            await journal.drain()
        pc1 = perf_counter()
        result = build_result(state, wall0=wall0, pc0=pc0, pc1=pc1, wall1=utc_now())
        if journal is not None:
            await journal.end(result)  # the final status: the run's last write
        if events is not None:
            counts: dict[str, int] = {}
            for step in result.steps.values():
                counts[step.status] = counts.get(step.status, 0) + 1
            await events.run_finished(
                workflow=result.workflow,
                status=result.status,
                duration=result.duration,
                steps=counts,
                output=result.output,
            )
        return result

    async def aclose(self) -> None:
        """Close pooled components and executors (each at most once)."""
        if self.closed:
            return
        self.closed = True
        await self.pools.aclose()
        executors, self.executors = list(self.executors.values()), {}
        for executor in executors:
            closer = getattr(executor, "aclose", None)
            if closer is None:
                continue
            try:
                result = closer()
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:  # an executor's own cleanup: report, keep closing
                log.warning("closing executor failed: %s: %s", type(exc).__name__, exc)
