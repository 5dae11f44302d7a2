"""Run results: ids, statuses, timings, attempts, instances, totals, JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC

import pytest

from orchestrion import Orchestrator, RunResult, Workflow

pytestmark = pytest.mark.anyio

FLOW = Workflow.model_validate(
    {
        "name": "shape",
        "steps": {
            "split": {"component": "t.split"},
            "each": {"component": "t.echo", "for_each": "split"},
            "all": {"component": "t.echo", "depends_on": ["each"], "gather": True},
        },
    }
)


async def test_result_fields(make_orch: Callable[..., Orchestrator]) -> None:
    """A result names the run, the workflow, each step's component, instance, attempts and times."""
    async with make_orch() as orch:
        result = await orch.run(FLOW, 3)
    assert len(result.run_id) == 32
    assert int(result.run_id, 16) >= 0
    assert result.workflow == "shape"
    assert result.status == "succeeded"
    assert result.ok
    assert result.started_at.tzinfo is UTC
    assert result.finished_at >= result.started_at
    assert result.duration > 0
    split = result.steps["split"]
    assert split.component == "t.split"
    assert split.attempts == 1
    assert split.instance == "t.split/1#1"
    assert split.started_at is not None
    assert split.finished_at is not None
    assert split.started_at.tzinfo is UTC
    assert split.finished_at >= split.started_at
    assert split.duration is not None
    assert split.duration >= 0
    each = result.steps["each"]
    assert each.attempts == 3
    assert each.items is not None
    assert all(i.status == "succeeded" and i.attempts == 1 for i in each.items)
    assert result.totals.model_dump() == {
        "steps": 3,
        "succeeded": 3,
        "degraded": 0,
        "failed": 0,
        "skipped": 0,
        "cancelled": 0,
        "items": 3,
        "items_failed": 0,
    }


async def test_runs_get_distinct_ids(make_orch: Callable[..., Orchestrator]) -> None:
    """Every run has its own id."""
    async with make_orch() as orch:
        ids = {(await orch.run(FLOW, 1)).run_id for _ in range(5)}
    assert len(ids) == 5


async def test_json_round_trip(make_orch: Callable[..., Orchestrator]) -> None:
    """A result serialises to JSON and validates back to an equal model."""
    async with make_orch() as orch:
        result = await orch.run(FLOW, 4)
    again = RunResult.model_validate_json(result.model_dump_json())
    assert again == result


async def test_unserialisable_output_becomes_text(make_orch: Callable[..., Orchestrator]) -> None:
    """An output pydantic cannot serialise is written as text rather than failing."""

    class Opaque:
        def __str__(self) -> str:
            return "opaque!"

    flow = Workflow.model_validate({"steps": {"a": {"component": "t.echo"}}})
    async with make_orch() as orch:
        result = await orch.run(flow, Opaque())
    assert '"output":"opaque!"' in result.model_dump_json()
