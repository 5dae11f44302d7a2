"""What runs on a Dask worker: rebuild a component through the worker's own
plugins and call it.

Nothing of the orchestrator is shipped but names and data: the component type
name, its options as a JSON dict (re-validated here), the plugin names to load
with their own configuration tables, the input and the step context. Each
worker process keeps one plugin set per plugin selection and idle component
instances per (type, options), so a
component's set-up cost is paid once per worker, not once per call.
"""

from __future__ import annotations

import inspect
import json
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from anyio.from_thread import BlockingPortal, start_blocking_portal
from pydantic import ValidationError

from orchestrion import StepContext, resolve_selection

if TYPE_CHECKING:
    from orchestrion import Orchestrator

__all__ = ["Missing", "Ok", "run_call"]

_lock = threading.Lock()
_orchestrators: dict[tuple[tuple[str, ...], str], Orchestrator] = {}
_idle: dict[tuple[tuple[str, ...], str, str, str], list[Any]] = {}
# One event loop per worker process for async components: instances that hold
# loop-bound resources (HTTP clients) must always run on the same loop.
_portal: list[tuple[AbstractContextManager[BlockingPortal], BlockingPortal]] = []


@dataclass(frozen=True, slots=True)
class Ok:
    """The call's output, and the context's ``extra`` as the component left it."""

    value: Any
    extra: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Missing:
    """The worker cannot build the component: ``problem`` says why (the plugin
    is not installed, is blocked, is broken, or the options do not validate)."""

    worker: str
    problem: str
    loaded: tuple[str, ...]


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except ValueError:  # called outside a worker (tests of this module)
        return "<no worker>"


def _orchestrator(plugins: tuple[str, ...], tables: dict[str, Any], key: str) -> Orchestrator:
    with _lock:
        orch = _orchestrators.get((plugins, key))
        if orch is None:
            # The worker's environment must not change which plugins load: the
            # orchestrator sent the exact selection, and the plugins' tables.
            selection = resolve_selection(cli_enable=plugins, env={})
            # Imported here: the orchestrator (engine, events) is only needed on
            # a worker, and plugin loading on the client must stay cheap.
            from orchestrion import Orchestrator

            orch = Orchestrator(selection=selection, config=tables, env={})
            _orchestrators[(plugins, key)] = orch
        return orch


def portal() -> BlockingPortal:
    """This process's event loop for async components (started on first use)."""
    with _lock:
        if not _portal:
            manager = start_blocking_portal()
            _portal.append((manager, manager.__enter__()))
        return _portal[0][1]


def _problem(orch: Orchestrator, owner: str) -> str:
    record = orch.plugins.records.get(owner)
    if record is None:
        return "is not installed"
    if record.status == "blocked":
        return f"is blocked there ({record.reason})"
    if record.error is not None:
        return f"is broken there: {record.error}"
    return f"is {record.status} there"


def _call(fn: Callable[..., Any], *args: Any) -> Any:
    if inspect.iscoroutinefunction(fn):
        return portal().call(fn, *args)
    return fn(*args)


def _build(orch: Orchestrator, component_type: str, options: dict[str, Any]) -> Any:
    ctype = orch.registry.components.require(component_type)
    component = ctype.factory(ctype.options.model_validate(options))
    if inspect.isawaitable(component):
        awaitable = component

        async def _await() -> Any:
            return await awaitable

        component = portal().call(_await)
    return component


def _process(component: Any, data: Any, ctx: StepContext, emits_many: bool) -> Any:
    process = component.process
    if inspect.isasyncgenfunction(process):

        async def _collect() -> list[Any]:
            return [item async for item in process(data, ctx)]

        return portal().call(_collect)
    out = _call(process, data, ctx)
    if emits_many and not isinstance(out, list):
        if hasattr(out, "__aiter__"):

            async def _drain() -> list[Any]:
                return [item async for item in out]

            return portal().call(_drain)
        return list(out)
    return out


def run_call(
    plugins: tuple[str, ...],
    tables: dict[str, Any],
    owner: str,
    component_type: str,
    options: dict[str, Any],
    data: Any,
    ctx: StepContext,
    emits_many: bool,
) -> Ok | Missing:
    """Run one component call on this worker.

    ``plugins`` are the plugin names to load and ``tables`` their configuration
    tables. Returns :class:`Missing` when the worker cannot provide
    ``component_type`` (``owner`` is the plugin that provides it on the
    orchestrator); the component's own exceptions propagate unchanged.
    """
    config_key = json.dumps(tables, sort_keys=True, default=str)
    orch = _orchestrator(plugins, tables, config_key)
    if component_type not in orch.registry.components:
        loaded = tuple(sorted(r.name for r in orch.plugins.loaded() if not r.builtin))
        if owner:
            problem = f"plugin {owner!r} {_problem(orch, owner)}"
        else:  # the orchestrator did not say which plugin provides it
            problem = f"no plugin loaded there registers {component_type!r}"
        return Missing(_worker_address(), problem, loaded)
    key = (plugins, config_key, component_type, json.dumps(options, sort_keys=True))
    with _lock:
        idle = _idle.setdefault(key, [])
        component = idle.pop() if idle else None
    if component is None:
        try:
            component = _build(orch, component_type, options)
        except ValidationError as exc:
            problem = (
                f"the options of {component_type!r} do not validate there "
                f"({exc.error_count()} errors; is the plugin {owner!r} at the same version?)"
            )
            return Missing(_worker_address(), problem, ())
    try:
        out = _process(component, data, ctx, emits_many)
    finally:
        # A sync instance serves one call at a time, as in the local executor.
        with _lock:
            _idle.setdefault(key, []).append(component)
    return Ok(out, ctx.extra)
