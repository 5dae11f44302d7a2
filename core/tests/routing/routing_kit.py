"""Helpers for routing tests: small in-process plugins built from parts."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from orchestrion import (
    ComponentType,
    Condition,
    DataProfile,
    Orchestrator,
    PluginSelection,
    RoutingRule,
    StepContext,
    hookimpl,
)


class Tag:
    """A component that appends its type name to a list, so runs show the path."""

    def __init__(self, name: str) -> None:
        self.name = name

    def process(self, data: Any, ctx: StepContext) -> Any:
        """Record this step in the data's trail."""
        trail = list(data) if isinstance(data, list) else [data]
        return [*trail, self.name]


def component(
    name: str,
    *,
    after: Sequence[str] = (),
    before: Sequence[str] = (),
    capabilities: Iterable[str] = (),
) -> ComponentType[Any]:
    """A component type whose instances are :class:`Tag` components."""
    return ComponentType(
        name=name,
        factory=lambda options: Tag(name),
        after=tuple(after),
        before=tuple(before),
        capabilities=frozenset(capabilities),
        description=f"test component {name}",
    )


Requires = Sequence[str] | Callable[[Any, DataProfile], Any] | None


class Plug:
    """An in-process plugin registering the given parts."""

    def __init__(
        self,
        name: str,
        *,
        components: Sequence[ComponentType[Any]] = (),
        conditions: Sequence[Condition[Any]] = (),
        rules: Sequence[RoutingRule] = (),
        requires: Requires = None,
    ) -> None:
        self.orchestrion_plugin_name = name
        self.components = components
        self.conditions = conditions
        self.rules = rules
        self.requires = requires
        self.asked = 0

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """Register the components."""
        for item in self.components:
            register(item)

    @hookimpl
    def register_conditions(self, register: Callable[[Condition[Any]], None]) -> None:
        """Register the conditions."""
        for item in self.conditions:
            register(item)

    @hookimpl
    def register_routing_rules(self, register: Callable[[RoutingRule], None]) -> None:
        """Register the rules."""
        for item in self.rules:
            register(item)

    @hookimpl
    def analyze_requirements(self, data: Any, profile: DataProfile) -> Any:
        """Answer from ``requires``."""
        self.asked += 1
        if callable(self.requires):
            return self.requires(data, profile)
        return self.requires


def make_orch(*plugins: object, config: Mapping[str, Any] | None = None) -> Orchestrator:
    """An orchestrator with only the built-ins and ``plugins`` (nothing installed)."""
    return Orchestrator(plugins=plugins, config=config, selection=PluginSelection(autoload=False))


def rules_config(*rules: Mapping[str, Any], **routing: Any) -> dict[str, Any]:
    """A config mapping with ``[[routing.rules]]``."""
    return {"routing": {"rules": list(rules), **routing}}
