"""The validator components inside workflows run by the engine."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orchestrion import ComponentType, ConfigError, Orchestrator, StepContext, hookimpl
from orchestrion.testing import make_orchestrator

SCHEMA = {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "integer"}, "tags": {"items": {"type": "string"}}},
}
# Three attempts with the default retry_on, to show validation failures are not retried.
RETRY = {"retry": {"attempts": 3, "wait_initial": 0, "wait_jitter": 0}}


@pytest.fixture
def orch() -> Orchestrator:
    """A fresh orchestrator running the installed validator distribution only."""
    return make_orchestrator(installed=["orchestrion-validator"])


def one_step(component: str, options: dict[str, object]) -> dict[str, object]:
    """A workflow of a single step allowing three attempts."""
    return {"policy": RETRY, "steps": {"check": {"component": component, "options": options}}}


@pytest.mark.anyio
async def test_valid_input_passes_through(orch: Orchestrator) -> None:
    """Valid data is the run's output, unchanged."""
    result = await orch.run(one_step("validator.schema", {"inline": SCHEMA}), {"id": 1})
    assert result.status == "succeeded"
    assert result.output == {"id": 1}
    await orch.aclose()


@pytest.mark.anyio
async def test_invalid_input_fails_once_with_every_error(orch: Orchestrator) -> None:
    """Invalid data fails the step with ValidationFailed after one attempt, naming pointers."""
    result = await orch.run(one_step("validator.schema", {"inline": SCHEMA}), {"tags": [1, "a", 2]})
    step = result.steps["check"]
    assert result.status == "failed"
    assert step.attempts == 1
    assert step.error is not None
    assert step.error.type == "ValidationFailed"
    assert "3 validation errors" in step.error.message
    assert "/tags/0" in step.error.message
    await orch.aclose()


@pytest.mark.anyio
async def test_model_validation_in_a_workflow(orch: Orchestrator) -> None:
    """validator.model validates and dumps the model."""
    wf = one_step("validator.model", {"model": "validator_test_models:Address"})
    result = await orch.run(wf, {"city": "Paris", "zip": "75001"})
    assert result.output == {"city": "Paris", "zip": "75001"}
    failed = await orch.run(wf, {"city": "Paris", "zip": "nope"})
    assert failed.steps["check"].attempts == 1
    assert failed.steps["check"].error is not None
    assert "/zip" in failed.steps["check"].error.message
    await orch.aclose()


def test_bad_schema_fails_workflow_load(orch: Orchestrator, tmp_path: Path) -> None:
    """An invalid schema, or one whose $ref is not local, is a ConfigError at load time."""
    with pytest.raises(ConfigError, match="invalid JSON Schema at /type"):
        orch.validate(one_step("validator.schema", {"inline": {"type": "nope"}}))
    remote = {"$ref": "https://example.com/schema.json"}
    with pytest.raises(ConfigError, match="not a registered local resource"):
        orch.validate(one_step("validator.schema", {"inline": remote}))
    with pytest.raises(ConfigError, match="cannot import module"):
        orch.validate(one_step("validator.model", {"model": "nowhere_xyz:M"}))
    good = tmp_path / "s.json"
    good.write_text(json.dumps(SCHEMA))
    orch.validate(one_step("validator.schema", {"path": str(good)}))


@pytest.mark.anyio
async def test_routed_processing_always_validates(orch: Orchestrator) -> None:
    """Routed by requirements, every input gets validator.schema (a JSON-value check)."""
    assert orch.plan({"a": 1}).types == ("validator.schema",)
    ok = await orch.process({"a": [1, 2]})
    assert ok.output == {"a": [1, 2]}
    bad = await orch.process({"a": float("nan")})
    assert bad.status == "failed"
    await orch.aclose()


class _Items:
    """A component that emits the items of a list input (a fan-out source)."""

    def process(self, data: list[object], ctx: StepContext) -> list[object]:
        """The list's items, in order."""
        return list(data)


class _ItemsPlugin:
    """An in-process plugin registering ``test.items``."""

    orchestrion_plugin_name = "test-items"

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """Register the fan-out source."""
        register(ComponentType(name="test.items", factory=lambda _: _Items(), emits="many"))


@pytest.mark.anyio
async def test_one_validator_serves_concurrent_items() -> None:
    """A pooled validator checks fan-out items concurrently in worker threads; each
    invalid item fails alone with its own errors."""
    orch = make_orchestrator(_ItemsPlugin(), installed=["orchestrion-validator"])
    wf = {
        "policy": {"failure": {"mode": "continue"}},
        "steps": {
            "items": {"component": "test.items"},
            "check": {
                "component": "validator.schema",
                "options": {"inline": SCHEMA},
                "for_each": "items",
            },
        },
    }
    records: list[object] = [{"id": i} if i % 10 else {"id": str(i)} for i in range(200)]
    result = await orch.run(wf, records, concurrency=16)
    items = result.steps["check"].items
    assert items is not None
    failed = [item.index for item in items if item.status == "failed"]
    assert failed == list(range(0, 200, 10))
    assert all(
        item.error is not None and "/id: expected type integer" in item.error.message
        for item in items
        if item.status == "failed"
    )
    assert sum(item.status == "succeeded" for item in items) == 180
    await orch.aclose()
