"""Explanations: every rule and condition evaluated, with results and reasons."""

from __future__ import annotations

import json

from routing_kit import Plug, component, make_orch, rules_config


def test_every_rule_evaluated_is_named_in_order(basic: Plug) -> None:
    """With no match, every rule appears, in evaluation order, each marked unmatched."""
    config = rules_config(
        {"name": "b", "priority": 1, "when": "is_bytes", "route": ["a.one"]},
        {"name": "a", "priority": 1, "when": "is_mapping", "route": ["a.one"]},
        {
            "name": "z",
            "priority": 7,
            "when": {"condition": "size_over", "bytes": 99},
            "route": ["a.one"],
        },
    )
    route = make_orch(basic, config=config).plan("text")
    assert [(r.name, r.matched) for r in route.explanation.rules] == [
        ("z", False),
        ("a", False),
        ("b", False),
    ]
    text = route.explanation.render()
    for name in ("z", "a", "b"):
        assert f"[no] {name} (priority" in text
    assert "size_over(bytes=99) -> false: does not hold for str, 4 chars" in text


def test_nested_conditions_are_traced(basic: Plug) -> None:
    """Combinators record each nested condition they evaluated, and stop early."""
    when = {"all": ["is_text", {"not": {"any": ["is_bytes", "is_mapping"]}}, "is_mapping"]}
    route = make_orch(
        basic, config=rules_config({"name": "r", "when": when, "route": ["a.one"]})
    ).plan("x")
    trace = route.explanation.rules[0].condition
    assert trace.condition == "all"
    assert [c.condition for c in trace.children] == ["is_text", "not", "is_mapping"]
    negation = trace.children[1]
    assert [c.condition for c in negation.children[0].children] == ["is_bytes", "is_mapping"]
    assert trace.why == "2 of 3 evaluated nested condition(s) held"


def test_the_explanation_is_json_ready() -> None:
    """to_dict() holds the profile, rules, requirements, ordering and choices."""
    plugin = Plug(
        "p",
        components=[
            component("p.parse", capabilities=["p.parsing"]),
            component("p.use", after=["p.parsing"]),
        ],
        requires=["p.use", "p.parsing"],
    )
    orch = make_orch(
        plugin, config=rules_config({"name": "r", "when": "is_bytes", "route": ["p.use"]})
    )
    payload = json.loads(json.dumps(orch.plan("data").to_dict()))
    assert payload["types"] == ["p.parse", "p.use"]
    assert payload["edges"] == [["p_parse", "p_use"]]
    explanation = payload["explanation"]
    assert explanation["profile"]["format"] == "text"
    assert explanation["rules"][0]["rule"] == "r"
    assert explanation["requirements"] == [{"plugin": "p", "requires": ["p.use", "p.parsing"]}]
    assert explanation["ordering"] == ["p.parse -> p.use (p.use after p.parsing)"]
    assert explanation["choices"][0]["capability"] == "p.parsing"
    assert explanation["choices"][0]["candidates"][0]["component"] == "p.parse"
    assert "requirement analysis" in explanation["decision"]
