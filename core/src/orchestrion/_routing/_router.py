"""The router: from a piece of data to a :class:`Route`, explained and cached.

Order of decision (DESIGN §8): rules by priority, first match wins; else every
plugin's requirement analysis, merged; capabilities resolved to component
types by health; ordering by ``after``/``before`` hints into a DAG; else the
configured default route. Rules compile lazily, the first time routing is used,
and again whenever the plugin set (registry generation) or the rules change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .._config import Config
from .._plugins._manager import PluginSet
from .._profile import DataProfile, profile_of
from .._registrations import RoutingRule
from ..exceptions import ConfigError
from ._cache import CacheInfo, HealthDeps, RouteCache
from ._conditions import ConditionTrace
from ._health import BreakerState, Choice, HealthBook, choose
from ._ordering import order_types
from ._requirements import Answer, ask_plugins, merge_answers
from ._route import CacheStatus, Explanation, Route, RouteStep, RuleTrace, Source
from ._rules import (
    LoadedRule,
    RoutingConfig,
    check_route_entry,
    load_rules,
    providers_of,
    routing_config,
    validate_strategies,
)

if TYPE_CHECKING:
    from .._engine._results import RunResult
    from .._resilience._breakers import BreakerRegistry

__all__ = ["Router"]


class Router:
    """One orchestrator's routing: rules, health book and route cache.

    ``breakers`` returns the orchestrator's breaker registry (or ``None``
    before it has one), read on every choice so the router never caches state.
    """

    def __init__(
        self,
        plugins: PluginSet,
        config: Config,
        *,
        breakers: Callable[[], BreakerRegistry | None] = lambda: None,
    ) -> None:
        self._plugins = plugins
        self._config = config
        self._breakers = breakers
        self.health = HealthBook()
        self._settings: RoutingConfig | None = None
        self._extra: dict[str, RoutingRule] = {}
        self._rules: list[LoadedRule] | None = None
        self._generation = -1
        self._cache: RouteCache | None = None
        self._lock = threading.Lock()

    # -- loading ----------------------------------------------------------------

    @property
    def settings(self) -> RoutingConfig:
        """The validated ``[routing]`` config section."""
        if self._settings is None:
            self._settings = routing_config(self._config)
        return self._settings

    @property
    def cache(self) -> RouteCache:
        """The route cache (sized by ``routing.cache_size``)."""
        if self._cache is None:
            self._cache = RouteCache(self.settings.cache_size)
        return self._cache

    def load(self) -> list[LoadedRule]:
        """Compile the rules if the plugin set or the rules changed since the
        last time (clearing the cache), and return them in evaluation order.

        :raises ConfigError: naming the rule and its origin, for an unknown
            condition, bad condition parameters or an unknown route entry.
        """
        generation = self._plugins.registry.generation
        rules = self._rules
        if rules is not None and generation == self._generation:
            return rules
        with self._lock:
            if self._rules is not None and generation == self._generation:
                return self._rules
            settings = self.settings
            registry = self._plugins.registry
            rules = load_rules(self._plugins, self._config, settings, list(self._extra.values()))
            validate_strategies(settings, registry, self._config.source)
            for i, entry in enumerate(settings.default):
                check_route_entry(
                    entry,
                    registry,
                    where="the default route",
                    source=self._config.source,
                    key=f"routing.default.{i}",
                    records=self._plugins.records,
                )
            if self._rules is not None:
                self.cache.clear("plugins")
            self._rules, self._generation = rules, generation
            return rules

    def add_rule(self, rule: RoutingRule) -> None:
        """Add a rule at run time (validated at once); clears the cache."""
        extra = {**self._extra, rule.name: rule}
        load_rules(self._plugins, self._config, self.settings, list(extra.values()))
        self._extra = extra
        self._invalidate_rules()

    def remove_rule(self, name: str) -> None:
        """Remove a rule added with :meth:`add_rule`; clears the cache."""
        if name not in self._extra:
            msg = f"no rule {name!r} was added at run time (rules from config and plugins stay)"
            raise ConfigError(msg, key="routing.rules")
        del self._extra[name]
        self._invalidate_rules()

    def _invalidate_rules(self) -> None:
        with self._lock:
            self._rules = None
            self.cache.clear("rules")

    # -- health -------------------------------------------------------------------

    def breaker_state(self, component: str) -> BreakerState:
        """``closed``, ``open`` or ``half_open`` (an open breaker whose wait is
        over counts as half-open: its next call is a trial)."""
        registry = self._breakers()
        breaker = registry.find(component) if registry is not None else None
        if breaker is None:
            return "closed"
        state = breaker.state.value
        if state == "half_open":
            return "half_open"
        if state == "forced_open":
            return "open"
        if state == "open":
            retry_after = breaker.metrics().retry_after
            return "half_open" if retry_after is not None and retry_after <= 0 else "open"
        return "closed"

    def record_run(self, result: RunResult) -> None:
        """Feed the health book from a finished run's step results: one record
        per call that ran (per item for fan-out steps); skipped and cancelled
        steps say nothing about a component's health."""
        for step in result.steps.values():
            outcomes = step.items if step.items else [step]
            for outcome in outcomes:
                if outcome.status in ("succeeded", "failed") and outcome.duration is not None:
                    attempts = max(outcome.attempts, 1)
                    ok = outcome.status == "succeeded"
                    self.health.record(step.component, ok, outcome.duration / attempts)

    # -- planning -----------------------------------------------------------------

    def cache_info(self) -> CacheInfo:
        """Hit, miss, eviction and invalidation counts of the route cache."""
        return self.cache.info()

    def clear_cache(self) -> None:
        """Forget every cached route."""
        self.cache.clear("manual")

    def plan(self, data: Any, *, profile: DataProfile | None = None) -> Route:
        """Decide the route for ``data``; see the module docstring."""
        rules = self.load()
        profile = profile_of(data) if profile is None else profile
        cache = self.cache
        if cache.maxsize > 0:
            hit = cache.get(profile, self.breaker_state)
            if hit is not None:
                return hit
        route, deps = self._decide(data, profile, rules)
        if cache.maxsize > 0 and not route.depends_on_data:
            cached = _with_cache(route, "hit", cached=True)
            cache.put(profile, cached, deps)
            return _with_cache(route, "miss")
        return _with_cache(route, "off" if cache.maxsize <= 0 else "uncacheable")

    def _decide(
        self, data: Any, profile: DataProfile, rules: Sequence[LoadedRule]
    ) -> tuple[Route, HealthDeps]:
        traces: list[RuleTrace] = []
        data_dependent = False
        for rule in rules:
            sink: list[ConditionTrace] = []
            matched = rule.when.evaluate(data, profile, sink)
            data_dependent = data_dependent or not rule.when.profile_only
            traces.append(RuleTrace(rule.name, rule.priority, rule.origin, matched, sink[0]))
            if matched:
                chosen, choices, deps = self._resolve(rule.route)
                explanation = Explanation(
                    profile,
                    f"rule {rule.name!r} matched: route {' -> '.join(rule.route)}",
                    rules=tuple(traces),
                    rules_total=len(rules),
                    choices=choices,
                )
                route = Route(
                    _chain(chosen),
                    "rule",
                    explanation,
                    rule=rule.name,
                    depends_on_data=data_dependent,
                )
                return route, deps
        answers = ask_plugins(self._plugins, data, profile)
        required = merge_answers(answers)
        source: Source = "requirements"
        decision = "no rule matched; route from requirement analysis"
        if not required:
            required = list(self.settings.default)
            source = "default" if required else "none"
            decision = "no rule matched and no plugin required anything; " + (
                "the configured default route" if required else "the route is empty"
            )
        else:
            self._check_required(required, answers)
        resolved, choices, deps = self._resolve(required)
        # A type asked for by name and through a capability runs once.
        requested: dict[str, str] = {}
        for component, asked in resolved:
            requested.setdefault(component, asked)
        ordering = order_types(list(requested), self._plugins.registry.components.items)
        steps = _dag(ordering.types, ordering.edges, requested)
        explanation = Explanation(
            profile,
            decision,
            rules=tuple(traces),
            rules_total=len(rules),
            requirements=tuple(answers),
            ordering=ordering.applied,
            ignored_hints=ordering.ignored,
            choices=choices,
        )
        return Route(steps, source, explanation, depends_on_data=data_dependent), deps

    def _check_required(self, required: list[str], answers: list[Answer]) -> None:
        registry = self._plugins.registry
        for name in required:
            asker = next(a.plugin for a in answers if name in a.types)
            check_route_entry(
                name,
                registry,
                where=f"plugin {asker!r}",
                source=None,
                key="analyze_requirements",
                records=self._plugins.records,
                verb="requires",
            )

    def _resolve(
        self, entries: Sequence[str]
    ) -> tuple[list[tuple[str, str]], tuple[Choice, ...], HealthDeps]:
        """``(component, requested)`` per entry (capabilities resolved by health,
        duplicates after resolution dropped), the choices made, and the breaker
        states they depended on."""
        registry = self._plugins.registry
        settings = self.settings
        out: list[tuple[str, str]] = []
        choices: list[Choice] = []
        deps: list[tuple[str, str]] = []
        for entry in entries:
            if entry in registry.components:
                out.append((entry, entry))
                continue
            providers = providers_of(entry, registry)
            strategy = settings.strategies.get(entry, settings.strategy)
            choice = choose(
                entry,
                providers,
                strategy=strategy,
                health=self.health,
                breaker_state=self.breaker_state,
            )
            choices.append(choice)
            deps.extend((c.component, c.breaker) for c in choice.candidates)
            out.append((choice.chosen, entry))
        return out, tuple(choices), tuple(deps)


def _with_cache(route: Route, status: CacheStatus, *, cached: bool = False) -> Route:
    e = route.explanation
    explanation = Explanation(
        e.profile,
        e.decision,
        e.rules,
        e.rules_total,
        e.requirements,
        e.ordering,
        e.ignored_hints,
        e.choices,
        status,
    )
    return Route(route.steps, route.source, explanation, route.rule, cached, route.depends_on_data)


def _step_ids(components: Sequence[str]) -> list[str]:
    """Workflow step names for component types: dots become underscores and a
    repeated name gets a ``-2``, ``-3`` suffix."""
    ids: list[str] = []
    taken: set[str] = set()
    for component in components:
        base = component.replace(".", "_")
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        ids.append(name)
    return ids


def _chain(resolved: Sequence[tuple[str, str]]) -> tuple[RouteStep, ...]:
    """A rule's route runs in the order its author wrote, one after the other."""
    ids = _step_ids([c for c, _ in resolved])
    return tuple(
        RouteStep(ids[i], component, requested, (ids[i - 1],) if i else ())
        for i, (component, requested) in enumerate(resolved)
    )


def _dag(
    types: Sequence[str], edges: Sequence[tuple[str, str]], requested: dict[str, str]
) -> tuple[RouteStep, ...]:
    ids = dict(zip(types, _step_ids(types), strict=True))
    after: dict[str, list[str]] = {t: [] for t in types}
    for a, b in edges:
        after[b].append(ids[a])
    return tuple(RouteStep(ids[t], t, requested[t], tuple(after[t])) for t in types)
