"""Turning a :class:`Route` into a :class:`Workflow` the engine runs.

Each route step becomes a workflow step with the route's dependencies. Options
come from ``[components."<type>"]`` in config, overridden key by key by the
``requirements`` argument of :meth:`Orchestrator.process` (keyed by component
type, or by the capability the route asked for), and are validated here so a
bad option names the config key before anything runs. A step after a step
that emits many items runs once per item (``for_each``); a step joining
several branches, one of which emits many, receives the gathered lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .._config import Config, format_validation_error
from .._engine._model import Step, Workflow
from .._registry import Registry
from ..exceptions import ConfigError
from ._route import Route

__all__ = ["assemble", "step_options"]

Requirements = Mapping[str, Mapping[str, Any]]


def step_options(
    component: str,
    requested: str,
    registry: Registry,
    config: Config,
    requirements: Requirements | None,
) -> dict[str, Any]:
    """The validated options for one step (as a plain mapping)."""
    section = config.section("components")
    merged: dict[str, Any] = {}
    origin: dict[str, tuple[str | None, str]] = {}
    for name in dict.fromkeys((requested, component)):
        table = section.get(name)
        if table is None:
            continue
        if not isinstance(table, Mapping):
            msg = f"must be a table of options, got {type(table).__name__}"
            raise ConfigError(msg, source=config.source, key=f'components."{name}"')
        merged.update(table)
        origin.update({k: (config.source, f'components."{name}".{k}') for k in table})
    for name in dict.fromkeys((requested, component)):
        given = (requirements or {}).get(name)
        if given is not None:
            merged.update(given)
            origin.update({k: ("<requirements>", f'"{name}".{k}') for k in given})
    ct = registry.components.require(component, source=config.source, key="components")
    try:
        validated = ct.options.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        head = str(first["loc"][0]) if first["loc"] else ""
        source, key = origin.get(head, (config.source, f'components."{component}"'))
        msg = f"bad options for component type {component!r}: {format_validation_error(exc)}"
        raise ConfigError(msg, source=source, key=key) from None
    options: dict[str, Any] = validated.model_dump(exclude_unset=True)
    return options


def assemble(
    route: Route,
    registry: Registry,
    config: Config,
    requirements: Requirements | None = None,
    *,
    name: str = "routed",
) -> Workflow:
    """A workflow running ``route``'s steps along its DAG edges.

    :raises ConfigError: for an empty route, an unknown name in
        ``requirements`` or options that do not validate.
    """
    if not route.steps:
        msg = (
            "nothing to run: no routing rule matched and no plugin required anything for "
            f"this data ({route.explanation.profile.summary()}); add a [[routing.rules]] "
            "entry or set routing.default"
        )
        raise ConfigError(msg, key="routing")
    for key in requirements or {}:
        if key not in registry.components and not any(
            key in ct.capabilities for ct in registry.components.items.values()
        ):
            msg = f"requirements name unknown component type or capability {key!r}"
            raise ConfigError(msg, source="<requirements>", key=key)
    many: set[str] = set()
    steps: dict[str, Step] = {}
    for step in route.steps:
        ct = registry.components.require(step.component)
        entry: dict[str, Any] = {
            "component": step.component,
            "options": step_options(step.component, step.requested, registry, config, requirements),
            "depends_on": step.after,
        }
        fanned = [dep for dep in step.after if dep in many]
        if len(step.after) == 1 and fanned:
            entry["for_each"] = fanned[0]
            many.add(step.id)
        elif fanned:
            entry["gather"] = True
        if ct.emits == "many":
            many.add(step.id)
        steps[step.id] = Step.model_validate(entry)
    return Workflow(name=name, description=route.explanation.decision, steps=steps)
