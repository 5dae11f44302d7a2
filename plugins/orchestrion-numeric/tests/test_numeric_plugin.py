"""The numeric plugin as the core sees it: registrations, condition, requirements."""

from __future__ import annotations

import json
from typing import Any

import pytest

from orchestrion import Orchestrator, profile_of
from orchestrion.testing import make_orchestrator
from orchestrion_numeric import (
    ExtractOptions,
    HasNumbersParams,
    NumericPlugin,
    StatsOptions,
    has_numbers,
)

PROSE = (
    "It was a bright cold day in April, and the clocks were striking thirteen. "
    "Winston Smith, his chin nuzzled into his breast, slipped quickly through the "
    "glass doors of Victory Mansions, though not quickly enough to prevent a swirl "
    "of gritty dust from entering along with him. "
)
REPORT = (
    "Revenue rose 12% to $4.5 million in the quarter, while costs fell 3.2% to "
    "$2.1 million. Headcount grew from 120 to 134 and churn was 1.8%."
)


def _requirements(orch: Orchestrator, data: Any) -> list[str]:
    answers = orch.plugins.call_each(
        "analyze_requirements", data=data, profile=profile_of(data), config=orch.config
    )
    return [name for _, answer in answers if answer for name in answer]


def _check(data: Any, **params: Any) -> bool:
    condition = make_orchestrator(NumericPlugin()).registry.conditions.require(
        "numeric.has_numbers"
    )
    return condition.check(data, profile_of(data), HasNumbersParams.model_validate(params))


def test_installed_entry_point_registers_everything() -> None:
    """Installing the distribution is enough: the entry point registers types and condition."""
    orch = make_orchestrator(installed=["numeric"])
    assert orch.plugins.registry.owned_by("numeric") == {
        "components": ["numeric.extract", "numeric.stats"],
        "conditions": ["numeric.has_numbers"],
    }


def test_types_declare_options_and_ordering() -> None:
    """extract runs after parsing and chunking; stats runs after extract."""
    registry = make_orchestrator(NumericPlugin()).registry
    extract = registry.components.require("numeric.extract")
    stats = registry.components.require("numeric.stats")
    assert extract.options is ExtractOptions
    assert stats.options is StatsOptions
    assert extract.after == ("json.parse", "chunking.split")
    assert stats.after == ("numeric.extract",)
    assert extract.emits == stats.emits == "one"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (REPORT, True),
        (REPORT.encode(), True),
        ("I have 2 cats.", False),
        (PROSE + "Chapter 1. " + PROSE * 3, False),
        (PROSE * 20 + " ".join(str(i) for i in range(10)), False),
        ("Dates 2024-01-01, 2024-02-01 and 2024-03-01, version 1.2.3.", False),
        ({"temps": [20.5, 21.0, 19.8], "unit": "C"}, True),
        ([{"name": "alice", "bio": PROSE}, {"name": "bob", "bio": PROSE}], False),
        (json.dumps({"a": 1, "b": 2, "c": 3}), True),
        (3.5, False),
        (None, False),
        (b"\x00\x01\x02" * 100, False),
    ],
    ids=[
        "report", "report-bytes", "lone-digit", "prose-with-chapter", "long-prose-some-numbers",
        "dates-and-versions", "mapping", "records-of-prose", "json-text", "one-number", "none",
        "binary",
    ],
)  # fmt: skip
def test_has_numbers_needs_enough_numbers(data: Any, expected: bool) -> None:
    """The condition holds for numeric data, never for a lone digit or incidental numbers."""
    assert _check(data) is expected


def test_has_numbers_parameters_move_the_bar() -> None:
    """min_count and min_ratio are the thresholds."""
    assert _check("I have 2 cats.", min_count=1, min_ratio=0.1)
    assert not _check(REPORT, min_count=50)
    assert not _check(REPORT, min_ratio=0.9)
    assert has_numbers(3.5, HasNumbersParams(min_count=1))


def test_numeric_data_requires_extract_then_stats() -> None:
    """Data with enough numbers asks for numeric.extract and numeric.stats, in that order."""
    orch = make_orchestrator(NumericPlugin())
    assert _requirements(orch, REPORT) == ["numeric.extract", "numeric.stats"]
    assert _requirements(orch, PROSE) == []
