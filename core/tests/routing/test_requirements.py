"""Requirement analysis: merging answers, ordering by hints, DAG branches, errors."""

from __future__ import annotations

from typing import Any

import pytest
from routing_kit import Plug, component, make_orch

from orchestrion import DataProfile
from orchestrion.exceptions import ConfigError, PluginValidationError

PARSE = component("t.parse")
VALIDATE = component("t.validate", after=["t.parse"])
STATS = component("t.stats", after=["t.parse"])
REPORT = component("t.report", after=["t.validate", "t.stats"])


def types_plugin(*extra: Any) -> Plug:
    """A plugin that only registers the test component types."""
    return Plug("types", components=[PARSE, VALIDATE, STATS, REPORT, *extra])


def test_answers_are_merged_without_duplicates_or_drops() -> None:
    """Every type any plugin requires appears in the route exactly once."""
    a = Plug("pa", requires=["t.validate", "t.parse"])
    b = Plug("pb", requires=("t.parse", "t.stats"))
    route = make_orch(types_plugin(), a, b).plan({"x": 1})
    assert route.source == "requirements"
    assert sorted(route.types) == ["t.parse", "t.stats", "t.validate"]
    answers = {a.plugin: a.types for a in route.explanation.requirements}
    assert answers["pa"] == ("t.validate", "t.parse")
    assert answers["pb"] == ("t.parse", "t.stats")


def test_order_follows_after_and_before_hints() -> None:
    """Hints order the union regardless of the order the plugins named the types."""
    first = component("t.first", before=["t.parse"])
    route = make_orch(
        types_plugin(first), Plug("p", requires=["t.report", "t.validate", "t.parse", "t.first"])
    ).plan(1)
    order = route.types
    assert order.index("t.first") < order.index("t.parse") < order.index("t.validate")
    assert order.index("t.validate") < order.index("t.report")


def test_independent_analyses_become_parallel_branches() -> None:
    """Two types that each only come after the parser depend on it, not on each other."""
    route = make_orch(
        types_plugin(), Plug("p", requires=["t.stats", "t.validate", "t.parse", "t.report"])
    ).plan(1)
    after = {step.component: set(step.after) for step in route.steps}
    assert after["t.parse"] == set()
    assert after["t.validate"] == {"t_parse"}
    assert after["t.stats"] == {"t_parse"}
    assert after["t.report"] == {"t_validate", "t_stats"}
    assert not route.is_chain


def test_transitively_implied_edges_are_dropped() -> None:
    """A step depends only on its nearest predecessors, not on everything upstream."""
    late = component("t.late", after=["t.parse", "t.validate"])
    route = make_orch(
        types_plugin(late), Plug("p", requires=["t.late", "t.validate", "t.parse"])
    ).plan(1)
    assert route.edges == (("t_parse", "t_validate"), ("t_validate", "t_late"))


def test_unrelated_order_is_stable_by_first_mention() -> None:
    """Types the hints do not relate keep the order in which they were first required."""
    plugin = Plug("types", components=[component(n) for n in ("u.c", "u.a", "u.b")])
    route = make_orch(plugin, Plug("p", requires=["u.b", "u.c", "u.a"])).plan(1)
    assert route.types == ("u.b", "u.c", "u.a")
    assert all(step.after == () for step in route.steps)


def test_hints_to_types_outside_the_route_are_ignored_and_reported() -> None:
    """A hint naming a type that is not in the route changes nothing and is listed."""
    route = make_orch(types_plugin(), Plug("p", requires=["t.validate"])).plan(1)
    assert route.types == ("t.validate",)
    assert any("t.parse" in line for line in route.explanation.ignored_hints)


def test_hints_may_name_capabilities() -> None:
    """A hint naming a capability orders the type after whichever type provides it."""
    parser = component("c.parser", capabilities=["c.parsing"])
    user = component("c.user", after=["c.parsing"])
    route = make_orch(
        Plug("types", components=[user, parser]), Plug("p", requires=["c.user", "c.parser"])
    ).plan(1)
    assert route.types == ("c.parser", "c.user")


def test_contradicting_hints_name_both_types() -> None:
    """A before/after contradiction is a ConfigError naming the two types."""
    x = component("k.x", after=["k.y"])
    y = component("k.y", after=["k.x"])
    orch = make_orch(Plug("types", components=[x, y]), Plug("p", requires=["k.x", "k.y"]))
    with pytest.raises(
        ConfigError,
        match=r"component types 'k\.x' and 'k\.y' contradict: they "
        r"form the cycle k\.(x|y) -> k\.(x|y) -> k\.(x|y)",
    ):
        orch.plan(1)


def test_longer_cycles_are_reported_with_their_path() -> None:
    """A three-type cycle is reported with the chain of hints that closes it."""
    x = component("k.x", before=["k.y"])
    y = component("k.y", before=["k.z"])
    z = component("k.z", before=["k.x"])
    orch = make_orch(Plug("types", components=[x, y, z]), Plug("p", requires=["k.x", "k.y", "k.z"]))
    with pytest.raises(ConfigError) as info:
        orch.plan(1)
    message = str(info.value)
    assert "the cycle k.x -> k.y -> k.z -> k.x" in message
    assert "'k.z' declares before='k.x'" in message


def test_plugins_are_given_the_data_and_its_profile() -> None:
    """analyze_requirements receives the data and its profile, and may decide from them."""
    seen: list[DataProfile] = []

    def needs(data: Any, profile: DataProfile) -> list[str]:
        seen.append(profile)
        return ["t.parse"] if profile.format == "json" else []

    orch = make_orch(types_plugin(), Plug("p", requires=needs))
    assert orch.plan('{"a": 1}').types == ("t.parse",)
    assert orch.plan("plain words here").types == ()
    assert [p.format for p in seen] == ["json", "text"]


def test_a_plugin_that_raises_fails_the_plan_naming_it() -> None:
    """A raising analyze_requirements is a PluginValidationError naming the plugin."""

    def boom(data: Any, profile: DataProfile) -> list[str]:
        raise KeyError("missing")

    orch = make_orch(types_plugin(), Plug("fine", requires=["t.parse"]), Plug("bad", requires=boom))
    with pytest.raises(
        PluginValidationError,
        match=r"plugin 'bad' raised KeyError.*"
        r"analyze_requirements.*-p no:bad",
    ) as info:
        orch.plan(1)
    assert info.value.plugin == "bad"


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("t.parse", "returned str"),
        (42, "returned int"),
        (["t.parse", 3], "returned a non-string entry 3"),
    ],
)
def test_a_wrong_answer_type_fails_the_plan_naming_the_plugin(answer: Any, problem: str) -> None:
    """An answer that is not a sequence of names is a PluginValidationError naming the plugin."""
    orch = make_orch(types_plugin(), Plug("odd", requires=lambda d, p: answer))
    with pytest.raises(PluginValidationError, match=rf"plugin 'odd' {problem}"):
        orch.plan(1)


def test_a_required_type_nobody_registers_names_the_asking_plugin() -> None:
    """Requiring an unregistered type is a ConfigError naming the plugin and a likely fix."""
    orch = make_orch(types_plugin(), Plug("asker", requires=["ghost.summarise"]))
    with pytest.raises(
        ConfigError,
        match=r"plugin 'asker' requires unknown component type 'ghost\.summarise'; is the "
        r"plugin that provides it installed \(e\.g\. orchestrion-ghost\)",
    ):
        orch.plan(1)


def test_rules_take_precedence_over_requirements() -> None:
    """When a rule matches, no plugin is asked for requirements."""
    from routing_kit import rules_config

    asker = Plug("asker", requires=["t.parse"])
    orch = make_orch(
        types_plugin(),
        asker,
        config=rules_config({"name": "r", "when": "is_text", "route": ["t.stats"]}),
    )
    assert orch.plan("x").types == ("t.stats",)
    assert asker.asked == 0
    assert orch.plan(1).types == ("t.parse",)
    assert asker.asked == 1
