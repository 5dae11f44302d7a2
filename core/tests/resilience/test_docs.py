"""docs/resilience.md shows the policy models as they are (defaults and meanings)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from orchestrion import (
    BreakerPolicy,
    FailurePolicy,
    FallbackPolicy,
    RetryPolicy,
    TimeoutPolicy,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "resilience.md"


def policy_table(model: type[BaseModel]) -> str:
    """The Markdown table of ``model``'s fields: name, default, meaning."""
    lines = ["| field | default | meaning |", "| --- | --- | --- |"]
    for name, field in model.model_fields.items():
        default = field.default
        shown = json.dumps(list(default) if isinstance(default, tuple) else default)
        lines.append(f"| `{name}` | `{shown}` | {field.description} |")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "model", [RetryPolicy, TimeoutPolicy, BreakerPolicy, FallbackPolicy, FailurePolicy]
)
def test_policy_tables_match_the_models(model: type[BaseModel]) -> None:
    """Each policy's table in the docs lists exactly the model's fields and defaults."""
    table = policy_table(model)
    assert table in DOC.read_text(encoding="utf-8"), (
        f"docs/resilience.md is out of date for {model.__name__}; its table should be:\n{table}"
    )
