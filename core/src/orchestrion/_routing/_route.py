"""Routes and their explanations: what was decided for one piece of data, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .._profile import DataProfile
from ._conditions import ConditionTrace
from ._health import Choice
from ._requirements import Answer

__all__ = ["Explanation", "Route", "RouteStep", "RuleTrace"]

Source = Literal["rule", "requirements", "default", "none"]
CacheStatus = Literal["hit", "miss", "uncacheable", "off"]


@dataclass(frozen=True, slots=True)
class RuleTrace:
    """One rule evaluated: whether its condition held, and the condition trace."""

    name: str
    priority: int
    origin: str
    matched: bool
    condition: ConditionTrace

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "rule": self.name,
            "priority": self.priority,
            "origin": self.origin,
            "matched": self.matched,
            "condition": self.condition.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """The decision trace of one route.

    ``rules`` lists every rule evaluated, in evaluation order, up to and
    including the first that matched (``rules_total`` counts all loaded rules).
    ``requirements`` holds each plugin's ``analyze_requirements`` answer,
    ``ordering`` the hints applied and ``ignored_hints`` those naming types not
    in the route, ``choices`` the health-aware choices among capability
    providers, with their figures. ``cache`` says whether the route came from
    the cache (an explanation served from the cache is the one recorded when the
    decision was made for an equal profile).
    """

    profile: DataProfile
    decision: str
    rules: tuple[RuleTrace, ...] = ()
    rules_total: int = 0
    requirements: tuple[Answer, ...] = ()
    ordering: tuple[str, ...] = ()
    ignored_hints: tuple[str, ...] = ()
    choices: tuple[Choice, ...] = ()
    cache: CacheStatus = "off"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "profile": self.profile.to_dict(),
            "decision": self.decision,
            "cache": self.cache,
            "rules_total": self.rules_total,
            "rules": [r.to_dict() for r in self.rules],
            "requirements": [a.to_dict() for a in self.requirements],
            "ordering": list(self.ordering),
            "ignored_hints": list(self.ignored_hints),
            "choices": [c.to_dict() for c in self.choices],
        }

    def render(self) -> str:
        """The trace as indented text, for ``orchestrion route --explain``."""
        lines = [f"data: {self.profile.summary()}", f"cache: {self.cache}"]
        lines.append(f"rules: {len(self.rules)} of {self.rules_total} evaluated")
        for rule in self.rules:
            mark = "MATCH" if rule.matched else "no"
            lines.append(f"  [{mark}] {rule.name} (priority {rule.priority}, {rule.origin})")
            _render_condition(rule.condition, lines, indent=6)
        if self.requirements:
            lines.append("requirement analysis:")
            for answer in self.requirements:
                needs = ", ".join(answer.types) if answer.types else "nothing"
                lines.append(f"  {answer.plugin}: {needs}")
        if self.ordering or self.ignored_hints:
            lines.append("ordering:")
            lines.extend(f"  {line}" for line in self.ordering)
            if self.ignored_hints:
                # One line: hints to absent types are common and say little each.
                absent = sorted(
                    {line.split(": ", 1)[0].rsplit(" ", 1)[-1] for line in self.ignored_hints}
                )
                lines.append(
                    f"  ignored {len(self.ignored_hints)} hint(s) naming types not in "
                    f"the route: {', '.join(absent)}"
                )
        if self.choices:
            lines.append("choices:")
            for choice in self.choices:
                lines.append(
                    f"  {choice.capability} -> {choice.chosen} ({choice.strategy}): {choice.why}"
                )
                for c in choice.candidates:
                    latency = "-" if c.latency_ms is None else f"{c.latency_ms:.3f} ms"
                    skipped = f", skipped: {c.skipped}" if c.skipped else ""
                    lines.append(
                        f"      {c.component}: breaker {c.breaker}, {c.calls} call(s), "
                        f"success {c.success_rate:.3f}, latency {latency}{skipped}"
                    )
        lines.append(f"decision: {self.decision}")
        return "\n".join(lines)


def _render_condition(trace: ConditionTrace, lines: list[str], indent: int) -> None:
    value = "true" if trace.result else "false"
    lines.append(f"{' ' * indent}{trace.condition} -> {value}: {trace.why}")
    for child in trace.children:
        _render_condition(child, lines, indent + 2)


@dataclass(frozen=True, slots=True)
class RouteStep:
    """One step of a route: its id, the component type that runs it, what the
    rule or requirement asked for (a type or a capability), and the ids of the
    steps it runs after."""

    id: str
    component: str
    requested: str
    after: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "id": self.id,
            "component": self.component,
            "requested": self.requested,
            "after": list(self.after),
        }


@dataclass(frozen=True, slots=True)
class Route:
    """The component types chosen for one piece of data, as a DAG, with reasons.

    ``steps`` are in a valid execution order; a step with no ``after`` starts
    from the input, and steps that do not depend on each other are parallel
    branches. ``source`` says what decided it: a ``rule`` (named in ``rule``),
    ``requirements`` analysis, the configured ``default`` route, or ``none``
    (nothing applied: the route is empty).
    """

    steps: tuple[RouteStep, ...]
    source: Source
    explanation: Explanation
    rule: str | None = None
    cached: bool = False
    depends_on_data: bool = field(default=False, repr=False)

    @property
    def types(self) -> tuple[str, ...]:
        """The component types in execution order."""
        return tuple(step.component for step in self.steps)

    @property
    def edges(self) -> tuple[tuple[str, str], ...]:
        """``(from_step, to_step)`` pairs of the DAG."""
        return tuple((dep, step.id) for step in self.steps for dep in step.after)

    @property
    def is_chain(self) -> bool:
        """Whether the route is a plain chain (every step after the previous one)."""
        return all(
            step.after == ((self.steps[i - 1].id,) if i else ())
            for i, step in enumerate(self.steps)
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping, explanation included."""
        return {
            "types": list(self.types),
            "steps": [s.to_dict() for s in self.steps],
            "edges": [list(e) for e in self.edges],
            "source": self.source,
            "rule": self.rule,
            "cached": self.cached,
            "explanation": self.explanation.to_dict(),
        }

    def render(self) -> str:
        """One line per step, e.g. ``validator.schema  (after json_parse)``."""
        if not self.steps:
            return "(empty route)"
        out = []
        for step in self.steps:
            after = f"  (after {', '.join(step.after)})" if step.after else ""
            via = f"  [for {step.requested}]" if step.requested != step.component else ""
            out.append(f"{step.id}: {step.component}{via}{after}")
        return "\n".join(out)
