"""Hook specifications: the reference for everything a plugin can do.

A plugin is a module (or any object) with functions marked ``@orchestrion.hookimpl``
whose names are those below. It is found through an entry point in the
``orchestrion`` group, or passed to :class:`orchestrion.Orchestrator` directly.

Hooks are synchronous and cheap: they *register* things. The asynchronous work
happens in what they register (components, handlers, executors, stores). The
``register_*`` hooks are called once per orchestrator, when it is created, one
plugin at a time inside error isolation, so that a plugin that raises or
registers something invalid is reported by name and the others keep working.

An implementation may accept fewer arguments than the spec (pluggy passes only
the ones it names) but never arguments the spec does not have.

``config`` is the orchestrator's :class:`orchestrion.Config`. A plugin reads its
own top-level table with ``config.section("<name>")`` (``[chunking]``,
``[llm]``) and validates it with its own model. Config reaches plugins through
the hooks rather than being stored on the plugin object, because one imported
plugin module serves every orchestrator in the process, each with its own
configuration.

Call order is pluggy's: the latest registered plugin first, ``tryfirst`` and
``trylast`` move an implementation to the front or back. Built-in plugins are
registered first, so installed plugins are asked before them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._markers import hookspec

if TYPE_CHECKING:
    import click

    from ._config import Config
    from ._profile import DataProfile
    from ._registrations import (
        ComponentType,
        Condition,
        EventHandler,
        ExecutorType,
        RoutingRule,
        StateStoreType,
    )
    from .protocols import StepInfo

__all__ = [
    "analyze_requirements",
    "provide_fallback",
    "register_commands",
    "register_components",
    "register_conditions",
    "register_event_handlers",
    "register_executors",
    "register_routing_rules",
    "register_state_stores",
]

# ---------------------------------------------------------------------------
# Registration: called once per orchestrator, when its plugins are loaded.
# ---------------------------------------------------------------------------


@hookspec
def register_components(register: Callable[[ComponentType[Any]], None], config: Config) -> None:
    """Register the component types this plugin provides.

    Called once per orchestrator while plugins load.

    :param register: call it once per :class:`orchestrion.ComponentType`. It raises
        :class:`orchestrion.exceptions.PluginConflictError` when another plugin
        already registered the same name, naming both plugins.
    :returns: nothing; a returned value is a plugin error.

    Example::

        @orchestrion.hookimpl
        def register_components(register):
            register(ComponentType(name="hello.greet", factory=Greeter, options=GreetOptions,
                                   description="Prefix text with a greeting."))
    """


@hookspec
def register_conditions(register: Callable[[Condition[Any]], None], config: Config) -> None:
    """Register named conditions that routing rules can refer to.

    Called once per orchestrator while plugins load.

    :param register: call it once per :class:`orchestrion.Condition`. Condition
        names are global across plugins; prefix them with the plugin's name
        (``json.is_json``) unless they are meant as general vocabulary.
    :returns: nothing.
    """


@hookspec
def register_routing_rules(register: Callable[[RoutingRule], None], config: Config) -> None:
    """Register routing rules (``when <condition> then <route>``).

    Called once per orchestrator while plugins load. Rules from all plugins and
    from config are evaluated together by descending priority, then by name;
    the first rule whose condition holds decides the route. A rule naming an
    unknown condition or component type is rejected when the orchestrator
    starts, naming the plugin.

    :param register: call it once per :class:`orchestrion.RoutingRule`.
    :returns: nothing.
    """


@hookspec
def register_event_handlers(register: Callable[[EventHandler], None], config: Config) -> None:
    """Subscribe handlers to event types.

    Called once per orchestrator while plugins load. Handlers run concurrently,
    each isolated with its own timeout: a failing handler is recorded and
    counted, never fatal to the publisher or to other handlers.

    :param register: call it once per :class:`orchestrion.EventHandler`.
    :returns: nothing.
    """


@hookspec
def register_executors(register: Callable[[ExecutorType], None], config: Config) -> None:
    """Register executors: places where step calls run (``local``, ``dask``).

    Called once per orchestrator while plugins load.

    :param register: call it once per :class:`orchestrion.ExecutorType`.
    :returns: nothing.
    """


@hookspec
def register_state_stores(register: Callable[[StateStoreType], None], config: Config) -> None:
    """Register state stores: where runs are persisted (``memory``, ``sqlite``).

    Called once per orchestrator while plugins load.

    :param register: call it once per :class:`orchestrion.StateStoreType`.
    :returns: nothing.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``orchestrion`` command line.

    Called when the CLI starts, after plugins are selected and loaded.

    :param cli: the root :class:`click.Group`; add commands with
        ``cli.add_command(...)``. A name that is already taken is a plugin error.
    :returns: nothing.
    """


# ---------------------------------------------------------------------------
# Routing: called per piece of data when no explicit rule matched.
# ---------------------------------------------------------------------------


@hookspec
def analyze_requirements(data: Any, profile: DataProfile, config: Config) -> Sequence[str] | None:
    """Say which component types this data needs, in this plugin's view.

    Called by the router for each piece of data (or each distinct profile, when
    decisions are cached) when no routing rule matched. Every plugin is asked;
    the answers are merged, duplicates removed, and the union ordered by the
    component types' ``after``/``before`` hints. Nothing a plugin requires is
    dropped.

    Keep it cheap: prefer ``profile`` (type, size, detected format, top-level
    keys) to inspecting ``data``, and never parse a large document here.

    :param data: the piece of data being routed; do not modify it.
    :param profile: its :class:`orchestrion.DataProfile`.
    :param config: the orchestrator's configuration (thresholds from the
        plugin's own table, say).
    :returns: component type names, or ``None`` (or an empty sequence) for none.
    """


# ---------------------------------------------------------------------------
# Resilience: called when a step has failed for good.
# ---------------------------------------------------------------------------


@hookspec
def provide_fallback(step: StepInfo, data: Any, error: BaseException) -> Any:
    """Offer a degraded result for a step that failed after its retries and
    alternative component types.

    Called only on failure, never on cancellation. Plugins are asked one at a
    time in call order and the first answer that is not ``None`` wins; an
    awaitable answer (``async def`` implementations) is awaited before it is
    judged, which is why this hook is deliberately *not* ``firstresult``. The
    step then ends ``degraded`` and the result records which plugin answered
    and the original error.

    :param step: which step failed (:class:`orchestrion.protocols.StepInfo`: run id,
        step name, component type, item index).
    :param data: the input the step was given.
    :param error: the final error.
    :returns: a replacement output, an awaitable of one, or ``None`` to pass.
    """
