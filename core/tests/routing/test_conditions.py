"""The built-in conditions and combinators, through rules."""

from __future__ import annotations

from typing import Any

import pytest
from routing_kit import Plug, component, make_orch, rules_config

from orchestrion import Condition, ConfigError, DataProfile

CASES: list[tuple[Any, Any, bool]] = [
    ({"condition": "size_over", "bytes": 4}, "hello", True),
    ({"condition": "size_over", "bytes": 5}, "hello", False),
    ({"condition": "size_over", "bytes": 2}, b"abc", True),
    ({"condition": "size_under", "bytes": 6}, "hello", True),
    ({"condition": "size_under", "bytes": 2}, [1, 2], False),
    ("is_mapping", {"a": 1}, True),
    ("is_mapping", [1], False),
    ("is_sequence", [1], True),
    ("is_sequence", "text", False),
    ("is_text", "text", True),
    ("is_text", b"text", False),
    ("is_bytes", bytearray(b"x"), True),
    ("is_bytes", "x", False),
    ({"condition": "looks_like", "format": "json"}, '{"a": [1, 2]}', True),
    ({"condition": "looks_like", "format": "jsonl"}, '{"a": 1}\n{"a": 2}\n', True),
    ({"condition": "looks_like", "format": "csv"}, "a,b\n1,2\n3,4\n", True),
    ({"condition": "looks_like", "format": "prose"}, "It was a dark and stormy night.", True),
    ({"condition": "looks_like", "format": "binary"}, b"\x00\x01\x02", True),
    ({"condition": "looks_like", "format": "json"}, "[2024-01-01] INFO started", False),
    ({"condition": "has_field", "path": "user.id"}, {"user": {"id": 3}}, True),
    ({"condition": "has_field", "path": "user.id"}, {"user": {}}, False),
    ({"condition": "has_field", "path": "items.1"}, {"items": [1, 2]}, True),
    ({"condition": "has_field", "path": "a"}, "not a mapping", False),
    ({"condition": "field_equals", "path": "kind", "value": "ticket"}, {"kind": "ticket"}, True),
    ({"condition": "field_equals", "path": "kind", "value": "ticket"}, {"kind": "log"}, False),
    ({"condition": "field_equals", "path": "kind", "value": None}, {}, False),
    ({"condition": "matches_pattern", "pattern": r"ERROR \d+"}, "x ERROR 42", True),
    ({"condition": "matches_pattern", "pattern": "ERROR"}, b"bytes ERROR", True),
    ({"condition": "matches_pattern", "pattern": "ERROR"}, {"not": "text"}, False),
    ({"condition": "matches_pattern", "pattern": "END", "max_input": 5}, "0123456END", False),
    ({"all": ["is_text", {"condition": "size_over", "bytes": 1}]}, "ab", True),
    ({"all": ["is_text", {"condition": "size_over", "bytes": 9}]}, "ab", False),
    ({"any": ["is_bytes", "is_mapping"]}, {"a": 1}, True),
    ({"any": ["is_bytes", "is_mapping"]}, "x", False),
    ({"not": "is_text"}, "x", False),
    ({"not": {"any": ["is_bytes", {"not": "is_mapping"}]}}, {"a": 1}, True),
]


@pytest.mark.parametrize(("when", "data", "expected"), CASES)
def test_builtin_condition(basic: Plug, when: Any, data: Any, expected: bool) -> None:
    """Each built-in condition and combinator holds exactly when documented."""
    orch = make_orch(basic, config=rules_config({"name": "r", "when": when, "route": ["a.one"]}))
    route = orch.plan(data)
    assert (route.rule == "r") is expected
    assert route.explanation.rules[0].matched is expected


def test_builtins_have_descriptions_and_typed_params() -> None:
    """Every built-in condition has a description and a strict parameter model."""
    conditions = make_orch().registry.conditions
    expected = {
        "size_over",
        "size_under",
        "is_mapping",
        "is_sequence",
        "is_text",
        "is_bytes",
        "looks_like",
        "has_field",
        "field_equals",
        "matches_pattern",
        "all",
        "any",
        "not",
    }
    assert expected <= set(conditions)
    for name in expected:
        condition = conditions.get(name)
        assert condition is not None
        assert condition.description
        assert condition.params.model_config.get("extra") == "forbid"


@pytest.mark.parametrize(
    ("when", "pattern"),
    [
        (
            {"condition": "size_over"},
            r"routing\.rules\.0\.when: bad parameters for condition "
            r"'size_over': bytes: Field required",
        ),
        ({"condition": "size_over", "bytes": -1}, r"bytes: Input should be greater than"),
        ({"condition": "looks_like", "format": "xml"}, r"format: Input should be"),
        ({"condition": "matches_pattern", "pattern": "("}, r"not a valid regular expression"),
        ({"condition": "is_text", "extra": 1}, r"extra: Extra inputs are not permitted"),
        ({"all": []}, r"conditions: Tuple should have at least 1 item"),
        ({"all": ["is_text", "is_txt"]}, r"when\.conditions\.1: unknown condition 'is_txt'"),
        (
            {"not": {"any": [{"condition": "size_under", "byte": 3}]}},
            r"when\.condition\.conditions\.0: bad parameters .* bytes: Field required",
        ),
        ({"all": [{"bogus": 1}]}, r"conditions\.0: .*a condition is a name"),
        ("no_such_condition", r"unknown condition 'no_such_condition'"),
    ],
)
def test_bad_condition_is_a_config_error_at_load(basic: Plug, when: Any, pattern: str) -> None:
    """An unknown condition or bad parameters anywhere in the tree fail when rules load."""
    orch = make_orch(basic, config=rules_config({"name": "r", "when": when, "route": ["a.one"]}))
    with pytest.raises(ConfigError, match=pattern):
        orch.routing.load()


def test_blocking_the_builtin_conditions_makes_their_names_unknown(basic: Plug) -> None:
    """With -p no:conditions the built-in names are gone, so a rule using them fails to load."""
    from orchestrion import Orchestrator, PluginSelection

    orch = Orchestrator(
        plugins=[basic],
        config=rules_config({"name": "r", "when": "is_text", "route": ["a.one"]}),
        selection=PluginSelection(autoload=False, disable=frozenset({"conditions"})),
    )
    with pytest.raises(ConfigError, match="unknown condition 'is_text'"):
        orch.plan("x")


def test_plugin_conditions_and_combinators_compose() -> None:
    """A plugin's own condition works inside the built-in combinators."""

    def shouty(data: Any, profile: DataProfile, params: Any) -> bool:
        return isinstance(data, str) and data.isupper()

    plugin = Plug(
        "p",
        components=[component("p.x")],
        conditions=[Condition(name="p.shouty", check=shouty, description="CAPS")],
    )
    config = rules_config(
        {"name": "r", "when": {"all": ["is_text", {"not": "p.shouty"}]}, "route": ["p.x"]}
    )
    orch = make_orch(plugin, config=config)
    assert orch.plan("quiet").rule == "r"
    assert orch.plan("LOUD").rule is None


def test_a_condition_that_raises_counts_as_not_holding_and_is_explained() -> None:
    """A raising check does not abort routing: it is false and the trace shows the error."""

    def broken(data: Any, profile: DataProfile, params: Any) -> bool:
        raise RuntimeError("oops")

    plugin = Plug(
        "p", components=[component("p.x")], conditions=[Condition(name="p.broken", check=broken)]
    )
    orch = make_orch(
        plugin, config=rules_config({"name": "r", "when": "p.broken", "route": ["p.x"]})
    )
    route = orch.plan("x")
    trace = route.explanation.rules[0].condition
    assert (trace.result, trace.error) == (False, "RuntimeError: oops")
    assert "counted as not holding" in trace.why


def test_plugins_can_write_their_own_combinators() -> None:
    """A plugin combinator with Nested parameters is compiled, validated and traced."""
    from pydantic import BaseModel, ConfigDict

    from orchestrion._routing._conditions import Nested

    class MajorityParams(BaseModel):
        """Parameters of p.majority."""

        model_config = ConfigDict(extra="forbid", frozen=True)
        conditions: tuple[Nested, ...]

    def majority(data: Any, profile: DataProfile, params: MajorityParams) -> bool:
        votes = [nested(data, profile) for nested in params.conditions]
        return sum(votes) * 2 > len(votes)

    plugin = Plug(
        "p",
        components=[component("p.x")],
        conditions=[Condition(name="p.majority", check=majority, params=MajorityParams)],
    )
    when = {
        "condition": "p.majority",
        "conditions": ["is_text", {"condition": "size_over", "bytes": 3}, "is_bytes"],
    }
    orch = make_orch(plugin, config=rules_config({"name": "r", "when": when, "route": ["p.x"]}))
    assert orch.plan("long text").rule == "r"
    route = orch.plan("ab")
    assert route.rule is None
    trace = route.explanation.rules[0].condition
    assert [(c.condition, c.result) for c in trace.children] == [
        ("is_text", True),
        ("size_over(bytes=3)", False),
        ("is_bytes", False),
    ]
    bad = {"condition": "p.majority", "conditions": ["is_txt"]}
    with pytest.raises(ConfigError, match=r"when\.conditions\.0: unknown condition 'is_txt'"):
        make_orch(plugin, config=rules_config({"name": "r", "when": bad, "route": ["p.x"]})).plan(1)
