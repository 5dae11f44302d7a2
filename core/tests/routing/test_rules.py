"""Rules from config and plugins: order, first match, load-time validation."""

from __future__ import annotations

from typing import Any

import pytest
from routing_kit import Plug, component, make_orch, rules_config

from orchestrion import ConditionRef, ConfigError, RoutingRule


def test_highest_priority_matching_rule_wins(basic: Plug) -> None:
    """Of several matching rules, the one with the highest priority decides."""
    config = rules_config(
        {"name": "low", "priority": 1, "when": "is_text", "route": ["a.one"]},
        {"name": "high", "priority": 9, "when": "is_text", "route": ["a.two"]},
        {"name": "mid", "priority": 5, "when": "is_text", "route": ["a.three"]},
    )
    route = make_orch(basic, config=config).plan("hello")
    assert (route.source, route.rule, route.types) == ("rule", "high", ("a.two",))


def test_first_match_stops_evaluation(basic: Plug) -> None:
    """Rules after the first match are not evaluated, and earlier non-matching ones are."""
    config = rules_config(
        {"name": "never", "priority": 9, "when": "is_bytes", "route": ["a.one"]},
        {"name": "yes", "priority": 5, "when": "is_text", "route": ["a.two"]},
        {"name": "later", "priority": 1, "when": "is_text", "route": ["a.three"]},
    )
    route = make_orch(basic, config=config).plan("hello")
    evaluated = [(r.name, r.matched) for r in route.explanation.rules]
    assert evaluated == [("never", False), ("yes", True)]
    assert route.explanation.rules_total == 3


def test_equal_priorities_are_ordered_by_name(basic: Plug) -> None:
    """Rules of equal priority are evaluated in name order, so the result is deterministic."""
    config = rules_config(
        {"name": "zeta", "when": "is_text", "route": ["a.one"]},
        {"name": "alpha", "when": "is_text", "route": ["a.two"]},
    )
    assert make_orch(basic, config=config).plan("x").rule == "alpha"


def test_rule_route_is_a_chain_in_written_order(basic: Plug) -> None:
    """A rule's route runs in the order written, each step after the previous one."""
    config = rules_config({"name": "r", "when": "is_text", "route": ["a.three", "a.one"]})
    route = make_orch(basic, config=config).plan("x")
    assert route.types == ("a.three", "a.one")
    assert route.edges == (("a_three", "a_one"),)
    assert route.is_chain


def test_plugin_rules_and_config_rules_are_evaluated_together(basic: Plug) -> None:
    """A plugin's rule with a higher priority beats a config rule, and vice versa."""
    rule = RoutingRule(
        name="plugin_rule", when=ConditionRef("is_text"), route=("a.one",), priority=3
    )
    plugin = Plug("ruler", rules=[rule])
    low = rules_config(
        {"name": "config_rule", "priority": 1, "when": "is_text", "route": ["a.two"]}
    )
    high = rules_config(
        {"name": "config_rule", "priority": 7, "when": "is_text", "route": ["a.two"]}
    )
    assert make_orch(basic, plugin, config=low).plan("x").rule == "plugin_rule"
    assert make_orch(basic, plugin, config=high).plan("x").rule == "config_rule"


def test_when_accepts_the_documented_forms(basic: Plug) -> None:
    """A name, a condition table and each combinator table parse into working conditions."""
    config = rules_config(
        {"name": "r1", "priority": 4, "when": {"not": "is_text"}, "route": ["a.one"]},
        {
            "name": "r2",
            "priority": 3,
            "when": {"all": ["is_text", {"condition": "size_over", "bytes": 100}]},
            "route": ["a.two"],
        },
        {
            "name": "r3",
            "priority": 2,
            "when": {"any": [{"condition": "looks_like", "format": "json"}, "is_bytes"]},
            "route": ["a.three"],
        },
    )
    orch = make_orch(basic, config=config)
    assert orch.plan(b"raw").rule == "r1"
    assert orch.plan("x" * 101).rule == "r2"
    assert orch.plan('{"a": 1}').rule == "r3"
    assert orch.plan("short").source == "none"


def test_config_rule_naming_an_unknown_component_type_fails_at_load(basic: Plug) -> None:
    """A config rule routing to an unknown type is a ConfigError naming the rule and key."""
    config = rules_config({"name": "bad", "when": "is_text", "route": ["a.one", "a.tow"]})
    orch = make_orch(basic, config=config)
    with pytest.raises(
        ConfigError,
        match=r"routing\.rules\.0\.route\.1: rule 'bad'.*'a\.tow'; "
        r"did you mean 'a\.two'",
    ):
        orch.routing.load()


def test_plugin_rule_naming_an_unknown_component_type_names_the_plugin(basic: Plug) -> None:
    """A plugin rule routing to an unknown type is a ConfigError naming the rule and plugin."""
    rule = RoutingRule(name="broken", when=ConditionRef("is_text"), route=("nope.parse",))
    orch = make_orch(basic, Plug("ruler", rules=[rule]))
    with pytest.raises(
        ConfigError,
        match=r"rule 'broken' from plugin 'ruler'.*'nope\.parse'.*"
        r"orchestrion-nope",
    ):
        orch.plan("x")


def test_bad_rule_fails_before_any_data_is_evaluated(basic: Plug) -> None:
    """Even data no rule would match raises: a bad rule is never a silent no-match."""
    config = rules_config(
        {"name": "ok", "priority": 9, "when": "is_text", "route": ["a.one"]},
        {
            "name": "bad",
            "priority": 1,
            "when": {"condition": "size_ovr", "bytes": 1},
            "route": ["a.one"],
        },
    )
    with pytest.raises(
        ConfigError,
        match=r"routing\.rules\.1\.when: unknown condition "
        r"'size_ovr'; did you mean 'size_over'",
    ):
        make_orch(basic, config=config).plan("x")


def test_malformed_rule_entries_are_config_errors(basic: Plug) -> None:
    """Missing keys, an empty route and an unparseable 'when' are each a ConfigError."""
    cases: list[tuple[dict[str, Any], str]] = [
        ({"name": "r", "when": "is_text"}, r"route: Field required"),
        ({"name": "r", "when": "is_text", "route": []}, r"route: List should have at least"),
        ({"name": "r", "when": 5, "route": ["a.one"]}, r"when: a condition is a name"),
        ({"name": "Bad Name", "when": "is_text", "route": ["a.one"]}, r"dotted lower-case"),
    ]
    for entry, pattern in cases:
        with pytest.raises(ConfigError, match=pattern):
            make_orch(basic, config=rules_config(entry)).plan("x")


def test_duplicate_rule_names_are_rejected(basic: Plug) -> None:
    """A config rule with the name of a plugin's rule is a ConfigError naming both origins."""
    rule = RoutingRule(name="same", when=ConditionRef("is_text"), route=("a.one",))
    config = rules_config({"name": "same", "when": "is_text", "route": ["a.two"]})
    with pytest.raises(
        ConfigError,
        match=r"rule 'same' from config .* same name .* plugin "
        r"'ruler'",
    ):
        make_orch(basic, Plug("ruler", rules=[rule]), config=config).plan("x")


def test_rules_added_at_run_time_take_part(basic: Plug) -> None:
    """add_rule validates and activates a rule; remove_rule takes it away again."""
    orch = make_orch(basic)
    assert orch.plan("x").source == "none"
    orch.routing.add_rule(RoutingRule(name="late", when=ConditionRef("is_text"), route=("a.one",)))
    assert orch.plan("x").rule == "late"
    with pytest.raises(ConfigError, match=r"unknown component type 'zz\.top'"):
        orch.routing.add_rule(
            RoutingRule(name="worse", when=ConditionRef("is_text"), route=("zz.top",))
        )
    orch.routing.remove_rule("late")
    assert orch.plan("x").source == "none"


def test_default_route_applies_when_nothing_matches(basic: Plug) -> None:
    """With no match and no requirements, the configured default route is used."""
    orch = make_orch(basic, config={"routing": {"default": ["a.two", "a.one"]}})
    route = orch.plan(42)
    assert route.source == "default"
    assert set(route.types) == {"a.two", "a.one"}


def test_routing_section_is_validated(basic: Plug) -> None:
    """Unknown keys and bad strategies in [routing] are ConfigErrors naming the key."""
    with pytest.raises(ConfigError, match=r"routing\.stratgy"):
        make_orch(basic, config={"routing": {"stratgy": "first"}}).plan("x")
    with pytest.raises(ConfigError, match=r"routing\.strategy"):
        make_orch(basic, config={"routing": {"strategy": "random"}}).plan("x")
    with pytest.raises(ConfigError, match=r"capability 'no.such'"):
        make_orch(basic, config={"routing": {"strategies": {"no.such": "first"}}}).plan("x")


def test_capability_names_are_valid_route_entries() -> None:
    """A route entry may name a capability that some component type provides."""
    plugin = Plug("p", components=[component("p.fast", capabilities=["p.parse"])])
    config = rules_config({"name": "r", "when": "is_text", "route": ["p.parse"]})
    route = make_orch(plugin, config=config).plan("x")
    assert route.types == ("p.fast",)
    assert route.steps[0].requested == "p.parse"


def test_unknown_type_from_a_blocked_plugin_says_so(basic: Plug) -> None:
    """When the plugin that would provide a routed type is blocked, the error says which."""
    from orchestrion import Orchestrator, PluginSelection

    ghost = Plug("ghost", components=[component("ghost.summarise")])
    orch = Orchestrator(
        plugins=[basic, ghost],
        config=rules_config({"name": "r", "when": "is_text", "route": ["ghost.summarise"]}),
        selection=PluginSelection(autoload=False, disable=frozenset({"ghost"})),
    )
    with pytest.raises(
        ConfigError,
        match=r"'ghost\.summarise'; plugin 'ghost' would provide "
        r"it but is blocked",
    ):
        orch.plan("x")
