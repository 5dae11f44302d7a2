"""The ``[routing]`` config section and loading rules from config and plugins.

Config form::

    [routing]
    strategy = "most_reliable"      # first | fastest | most_reliable
    cache_size = 1024               # 0 disables the route cache

    [[routing.rules]]
    name = "big-json"
    priority = 10
    when = { all = [ { condition = "looks_like", format = "json" },
                     { condition = "size_over", bytes = 5000 } ] }
    route = ["json.parse", "chunking.split"]

Every rule is compiled when routing loads: its conditions resolved and their
parameters validated, and every route entry checked to be a component type or
a capability some component type provides. Problems are :class:`ConfigError`
naming the rule and where it came from (the config file and key, or the plugin).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._config import Config, format_validation_error
from .._engine._plan import provider_hint
from .._plugins._manager import PluginSet
from .._registrations import RoutingRule
from .._registry import Registry
from ..exceptions import ConfigError
from ._conditions import CompiledCondition, compile_condition, parse_when
from ._health import Strategy

__all__ = ["LoadedRule", "RoutingConfig", "RuleConfig", "load_rules", "routing_config"]


class RuleConfig(BaseModel):
    """One ``[[routing.rules]]`` entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Unique rule name (dotted lower-case).")
    priority: int = Field(default=0, description="Higher priorities are evaluated first.")
    when: Any = Field(description="The condition: a name, a table or a combinator.")
    route: list[str] = Field(min_length=1, description="Component types or capabilities.")
    description: str = Field(default="", description="Why the rule exists, for explanations.")


class RoutingConfig(BaseModel):
    """The ``[routing]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[RuleConfig] = Field(default_factory=list, description="Rules written in config.")
    strategy: Strategy = Field(
        default="most_reliable",
        description="How to choose among component types providing one capability.",
    )
    strategies: dict[str, Strategy] = Field(
        default_factory=dict, description="Per-capability strategies overriding 'strategy'."
    )
    cache_size: int = Field(default=1024, ge=0, description="Route cache entries (0: no cache).")
    default: list[str] = Field(
        default_factory=list,
        description="The route when no rule matches and no plugin requires anything.",
    )


def routing_config(config: Config) -> RoutingConfig:
    """The validated ``[routing]`` section of ``config``."""
    try:
        return RoutingConfig.model_validate(dict(config.section("routing")))
    except ValidationError as exc:
        detail = format_validation_error(exc, prefix="routing")
        raise ConfigError(detail, source=config.source) from None


@dataclass(frozen=True, slots=True)
class LoadedRule:
    """A rule ready to evaluate: compiled condition, checked route, its origin."""

    name: str
    priority: int
    when: CompiledCondition
    route: tuple[str, ...]
    origin: str
    description: str

    @property
    def sort_key(self) -> tuple[int, str]:
        """Evaluation order: priority descending, then name."""
        return (-self.priority, self.name)


def check_route_entry(
    entry: str,
    registry: Registry,
    *,
    where: str,
    source: str | None,
    key: str,
    records: Mapping[str, Any] | None = None,
    verb: str = "routes to",
) -> None:
    """Raise :class:`ConfigError` unless ``entry`` is a component type or a
    capability some registered component type provides; the message suggests
    a close name, or which plugin would provide it (from ``records``)."""
    if entry in registry.components or providers_of(entry, registry):
        return
    known = list(registry.components) + sorted(capabilities(registry))
    close = difflib.get_close_matches(entry, known, n=2, cutoff=0.6)
    if close:
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?"
    else:
        plugin = entry.split(".", 1)[0]
        hint = provider_hint(entry, records or {}) or (
            f"; is the plugin that provides it installed (e.g. orchestrion-{plugin})?"
        )
    msg = f"{where} {verb} unknown component type {entry!r}{hint}"
    raise ConfigError(msg, source=source, key=key)


def providers_of(capability: str, registry: Registry) -> list[str]:
    """Component types that provide ``capability``, in registration order."""
    return [n for n, ct in registry.components.items.items() if capability in ct.capabilities]


def capabilities(registry: Registry) -> set[str]:
    """Every capability any registered component type provides."""
    return {c for ct in registry.components.items.values() for c in ct.capabilities}


def _plugin_origin(plugins: PluginSet, name: str) -> str:
    record = plugins.records.get(name)
    return record.label() if record is not None else f"plugin {name!r}"


def load_rules(
    plugins: PluginSet,
    config: Config,
    routing: RoutingConfig,
    extra: Sequence[RoutingRule] = (),
) -> list[LoadedRule]:
    """Compile every rule (plugins', config's, and ``extra`` ones added at run
    time) and return them in evaluation order."""
    registry = plugins.registry
    source = config.source
    loaded: dict[str, LoadedRule] = {}

    def add(rule: LoadedRule, *, source: str | None, key: str) -> None:
        other = loaded.get(rule.name)
        if other is not None:
            msg = (
                f"rule {rule.name!r} from {rule.origin} has the same name as the rule "
                f"from {other.origin}; rename one"
            )
            raise ConfigError(msg, source=source, key=key)
        loaded[rule.name] = rule

    for name, rule in registry.rules.items.items():
        owner = registry.rules.owner(name) or "?"
        origin = _plugin_origin(plugins, owner)
        add(
            _compile(
                rule,
                registry,
                origin=origin,
                source=origin,
                key=f"rule {name!r}",
                records=plugins.records,
            ),
            source=origin,
            key=f"rule {name!r}",
        )
    for i, entry in enumerate(routing.rules):
        key = f"routing.rules.{i}"
        try:
            rule = RoutingRule(
                name=entry.name,
                when=parse_when(entry.when, key=f"{key}.when", source=source),
                route=tuple(entry.route),
                priority=entry.priority,
                description=entry.description,
            )
        except (ValueError, TypeError) as exc:
            raise ConfigError(str(exc), source=source, key=key) from None
        origin = f"config {source or '<mapping>'} ({key})"
        loaded_rule = _compile(
            rule, registry, origin=origin, source=source, key=key, records=plugins.records
        )
        add(loaded_rule, source=source, key=key)
    for rule in extra:
        origin = "Orchestrator.routing.add_rule()"
        add(
            _compile(
                rule,
                registry,
                origin=origin,
                source=origin,
                key=f"rule {rule.name!r}",
                records=plugins.records,
            ),
            source=origin,
            key=f"rule {rule.name!r}",
        )
    return sorted(loaded.values(), key=lambda r: r.sort_key)


def _compile(
    rule: RoutingRule,
    registry: Registry,
    *,
    origin: str,
    source: str | None,
    key: str,
    records: Mapping[str, Any],
) -> LoadedRule:
    when = compile_condition(rule.when, registry.conditions, key=f"{key}.when", source=source)
    for i, entry in enumerate(rule.route):
        check_route_entry(
            entry,
            registry,
            where=f"rule {rule.name!r} from {origin}",
            source=source,
            key=f"{key}.route.{i}",
            records=records,
        )
    return LoadedRule(rule.name, rule.priority, when, rule.route, origin, rule.description)


def validate_strategies(routing: RoutingConfig, registry: Registry, source: str | None) -> None:
    """Every capability named in ``routing.strategies`` must exist."""
    known: Mapping[str, Any] = dict.fromkeys(capabilities(registry))
    for cap in routing.strategies:
        if cap not in known:
            msg = f"no component type provides capability {cap!r}"
            raise ConfigError(msg, source=source, key=f"routing.strategies.{cap}")
