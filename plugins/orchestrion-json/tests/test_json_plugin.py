"""The json plugin as installed: registrations, conditions and requirements."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrion import Orchestrator, profile_of
from orchestrion.testing import make_orchestrator
from orchestrion_json import IsJsonlParams, IsJsonParams
from orchestrion_json._detect import is_json, is_jsonl


@pytest.fixture(scope="module")
def orch() -> Orchestrator:
    """An orchestrator with only this plugin (and the built-ins) loaded, strictly."""
    return make_orchestrator(installed=["json"])


def requirements(orch: Orchestrator, data: Any) -> list[str]:
    """What the json plugin's analyze_requirements answers for ``data``."""
    answers = orch.plugins.call_each("analyze_requirements", data=data, profile=profile_of(data))
    return [name for plugin, names in answers if plugin == "json" for name in names or ()]


def test_entry_point_registers_components_and_conditions(orch: Orchestrator) -> None:
    """Installing the distribution registers its four types and two conditions under 'json'."""
    assert orch.registry.owned_by("json") == {
        "components": ["json.dump", "json.lines", "json.parse", "json.select"],
        "conditions": ["json.is_json", "json.is_jsonl"],
    }
    assert orch.registry.components.require("json.lines").emits == "many"


def test_parse_is_ordered_before_consumers(orch: Orchestrator) -> None:
    """json.parse and json.lines declare themselves before the first-party consumers."""
    for name in ("json.parse", "json.lines"):
        before = orch.registry.components.require(name).before
        assert {"validator.schema", "chunking.split", "numeric.extract"} <= set(before)
    assert "json.parse" in orch.registry.components.require("json.select").after


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('{"a": [1, 2]}', True),
        (b"[1, 2, 3]", True),
        ("42", True),
        ('{"a": 1,}', False),
        ("[NaN]", False),
        ("just some prose", False),
        (b"\xff\xfe", False),
        ({"a": 1}, False),
        (None, False),
    ],
)
def test_is_json_parses_small_inputs(data: Any, expected: bool) -> None:
    """json.is_json really parses inputs under its cap."""
    assert is_json(data, profile_of(data), IsJsonParams()) is expected


def test_is_json_sniffs_beyond_the_cap() -> None:
    """Over max_check only the framing is judged, so a huge input costs nothing to check."""
    big = '{"k": "' + "x" * 5000 + '"}'
    cap = IsJsonParams(max_check=100)
    assert is_json(big, profile_of(big), cap)
    assert not is_json("[Note] " + "x" * 5000, profile_of("x"), cap)


def test_is_jsonl_needs_min_lines_of_json() -> None:
    """json.is_jsonl holds for at least min_lines lines that each parse."""
    data = '{"a": 1}\n{"a": 2}\n'
    assert is_jsonl(data, profile_of(data), IsJsonlParams())
    assert not is_jsonl('{"a": 1}\n', profile_of("x"), IsJsonlParams())
    assert is_jsonl('{"a": 1}\n', profile_of("x"), IsJsonlParams(min_lines=1))
    assert not is_jsonl('{"a": 1}\n{"a": \n', profile_of("x"), IsJsonlParams())
    assert not is_jsonl('{\n  "a": 1\n}\n', profile_of("x"), IsJsonlParams())


def test_is_jsonl_ignores_the_line_cut_by_its_cap() -> None:
    """Only complete lines within max_check are parsed."""
    data = '{"a": 1}\n{"a": 2}\n{"a": 3333333}\n'
    assert is_jsonl(data, profile_of(data), IsJsonlParams(max_check=22))


def test_conditions_are_usable_through_the_registry(orch: Orchestrator) -> None:
    """The registered conditions validate their parameters and check data."""
    cond = orch.registry.conditions.require("json.is_json")
    params = cond.params.model_validate({"max_check": 10})
    assert cond.check("[1]", profile_of("[1]"), params)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('{"a": 1}', ["json.parse"]),
        (b"  [1, 2]\n", ["json.parse"]),
        ('{"a": 1,\n "b": }', ["json.parse"]),  # malformed: fail with line and column
        ('{"a": 1, "b": [1, 2', ["json.parse"]),  # truncated
        ('[{"a": 1}, {"b"', ["json.parse"]),
        ("[1] See the reference below for details.", []),
        ("{braces} in prose are not JSON.", []),
        ("[Note] prose framed by brackets [1]", []),
        ('{"a": 1}\n{"a": 2}\n{"a": 3}\n', ["json.lines"]),
        ('{"a": 1}\n{"a": 2}\n{"a": \n', ["json.lines"]),
        ("[Note] this is prose, not JSON at all.", []),
        ("Plain prose about nothing in particular here.", []),
        ({"already": "parsed"}, []),
        (b"\x00\x01\x02", []),
    ],
)
def test_requirements(orch: Orchestrator, data: Any, expected: list[str]) -> None:
    """Text that is (or is framed like) JSON needs json.parse; JSON Lines needs json.lines."""
    assert requirements(orch, data) == expected


def test_requirements_do_not_parse_large_documents(orch: Orchestrator) -> None:
    """Beyond the requirement cap the framing decides, so a large document is not parsed
    (the price: large bracket-framed prose is routed to json.parse and fails there)."""
    body = '{"text": "' + "word " * 100_000 + '"'
    assert requirements(orch, body + "}") == ["json.parse"]
    assert requirements(orch, body + "}}") == ["json.parse"]  # malformed, framing decides
    assert requirements(orch, "[Note] " + "word " * 100_000 + "]") == ["json.parse"]
