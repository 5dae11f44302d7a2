"""The chunking plugin as the core sees it: registrations, condition, requirements."""

from __future__ import annotations

import json
from typing import Any

import pytest

from orchestrion import Orchestrator, profile_of
from orchestrion.testing import make_orchestrator
from orchestrion_chunking import ChunkingPlugin, SplitOptions, TooLongParams

PROSE = "This is a sentence of ordinary prose for the router to look at. " * 100  # 6,400 chars


def _requirements(orch: Orchestrator, data: Any) -> list[str]:
    answers = orch.plugins.call_each(
        "analyze_requirements", data=data, profile=profile_of(data), config=orch.config
    )
    return [name for _, answer in answers if answer for name in answer]


def _too_long(orch: Orchestrator, data: Any, **params: Any) -> bool:
    condition = orch.registry.conditions.require("chunking.too_long")
    return condition.check(data, profile_of(data), TooLongParams.model_validate(params))


def test_installed_entry_point_registers_everything() -> None:
    """Installing the distribution is enough: the entry point registers type and condition."""
    orch = make_orchestrator(installed=["chunking"])
    assert orch.plugins.registry.owned_by("chunking") == {
        "components": ["chunking.split"],
        "conditions": ["chunking.too_long"],
    }


def test_split_type_declares_fan_out_options_and_ordering() -> None:
    """chunking.split emits many, validates SplitOptions and runs after json.parse."""
    split = make_orchestrator(ChunkingPlugin()).registry.components.require("chunking.split")
    assert split.emits == "many"
    assert split.options is SplitOptions
    assert split.after == ("json.parse",)
    assert "text.chunking" in split.capabilities
    component = split.factory(SplitOptions(max_size=100))
    assert hasattr(component, "process")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PROSE, True),
        (PROSE.encode(), True),
        (PROSE[:3000], False),
        (json.dumps({"title": "t", "body": PROSE}), True),
        (json.dumps([{"n": i, "s": "short text"} for i in range(500)]), False),
        ({"body": PROSE}, True),
        ([{"body": "short"}] * 1000, False),
        ("\n".join(json.dumps({"line": i, "s": "x" * 30}) for i in range(200)), False),
        (b"\xff\xfe" + bytes(range(256)) * 30, False),
        (12345, False),
    ],
    ids=[
        "prose", "prose-bytes", "short-prose", "json-with-long-string", "json-many-short",
        "mapping-long", "list-short", "jsonl", "binary", "int",
    ],
)  # fmt: skip
def test_too_long_looks_for_long_text(data: Any, expected: bool) -> None:
    """too_long holds for long prose or a long string inside JSON, not for big records."""
    assert _too_long(make_orchestrator(ChunkingPlugin()), data) is expected


def test_too_long_threshold_is_a_parameter() -> None:
    """The chars parameter moves the threshold."""
    orch = make_orchestrator(ChunkingPlugin())
    assert _too_long(orch, PROSE[:3000], chars=2999)
    assert not _too_long(orch, PROSE[:3000], chars=3000)


def test_long_json_string_with_escapes_is_found_without_backtracking() -> None:
    """Escaped quotes inside a long JSON string neither hide it nor slow the scan."""
    doc = json.dumps({"quote": 'He said "yes". ' * 400, "n": 1})
    assert _too_long(make_orchestrator(ChunkingPlugin()), doc)
    adversarial = '"' + '\\"' * 200_000
    assert not _too_long(make_orchestrator(ChunkingPlugin()), "[" + adversarial, chars=10**7)


def test_long_text_requires_splitting() -> None:
    """Text over the threshold asks for chunking.split; short text asks for nothing."""
    orch = make_orchestrator(ChunkingPlugin())
    assert _requirements(orch, PROSE) == ["chunking.split"]
    assert _requirements(orch, "A short note.") == []
