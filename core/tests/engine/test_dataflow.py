"""How data flows along the edges: run input, single and several dependencies,
fan-out items and gathering, and the run's output."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orchestrion import Orchestrator, Workflow

from ._kit import Kit, combine

pytestmark = pytest.mark.anyio


def wf(steps: dict[str, dict[str, Any]]) -> Workflow:
    return Workflow.model_validate({"name": "flow", "steps": steps})


async def test_inputs_follow_the_edges(make_orch: Callable[..., Orchestrator]) -> None:
    """Roots get the run input, one dependency gives its output, several give a mapping."""
    flow = wf(
        {
            "a": {"component": "t.combine", "options": {"salt": "A"}},
            "b": {"component": "t.combine", "options": {"salt": "B"}, "depends_on": ["a"]},
            "c": {"component": "t.combine", "options": {"salt": "C"}},
            "d": {"component": "t.combine", "options": {"salt": "D"}, "depends_on": ["b", "c"]},
        }
    )
    async with make_orch() as orch:
        result = await orch.run(flow, "in")
    a = combine("A", "in")
    b = combine("B", a)
    c = combine("C", "in")
    assert result.steps["d"].output == combine("D", {"b": b, "c": c})
    assert result.output == result.steps["d"].output  # the only final step


async def test_several_final_steps_give_a_mapping(make_orch: Callable[..., Orchestrator]) -> None:
    """With several final steps the run output maps their names to outputs."""
    flow = wf({"a": {"component": "t.echo"}, "b": {"component": "t.echo"}})
    async with make_orch() as orch:
        result = await orch.run(flow, 7)
    assert result.output == {"a": 7, "b": 7}


async def test_fan_out_and_gather_in_order(make_orch: Callable[..., Orchestrator]) -> None:
    """A per-item step runs once per item and a gathering step gets the results in item order."""
    flow = wf(
        {
            "split": {"component": "t.split"},
            "each": {"component": "t.combine", "options": {"salt": "x"}, "for_each": "split"},
            "all": {"component": "t.echo", "depends_on": ["each"], "gather": True},
        }
    )
    async with make_orch() as orch:
        result = await orch.run(flow, 50)
    assert result.output == [combine("x", i) for i in range(50)]
    items = result.steps["each"].items
    assert items is not None
    assert [i.index for i in items] == list(range(50))
    assert result.totals.items == 50


async def test_per_item_chain_zips_items(make_orch: Callable[..., Orchestrator], kit: Kit) -> None:
    """Per-item steps of one fan-out chain item by item; extra dependencies arrive whole."""
    flow = wf(
        {
            "split": {"component": "t.split"},
            "conf": {"component": "t.combine", "options": {"salt": "conf"}},
            "first": {"component": "t.combine", "options": {"salt": "f"}, "for_each": "split"},
            "second": {
                "component": "t.combine",
                "options": {"salt": "s"},
                "for_each": "first",
                "depends_on": ["conf", "split"],
                "gather": True,
            },
            "done": {"component": "t.echo", "depends_on": ["second"], "gather": True},
        }
    )
    async with make_orch() as orch:
        result = await orch.run(flow, 4)
    conf = combine("conf", 4)
    expected = [
        combine("s", {"conf": conf, "first": combine("f", i), "split": [0, 1, 2, 3]})
        for i in range(4)
    ]
    assert result.output == expected
    # Item i of "second" starts only after item i of "first" ended.
    for i in range(4):
        assert kit.log.index(("end", "first", i)) < kit.log.index(("start", "second", i))


async def test_empty_fan_out(make_orch: Callable[..., Orchestrator]) -> None:
    """A fan-out of zero items succeeds and gathers an empty list."""
    flow = wf(
        {
            "split": {"component": "t.split"},
            "each": {"component": "t.echo", "for_each": "split"},
            "all": {"component": "t.echo", "depends_on": ["each"], "gather": True},
        }
    )
    async with make_orch() as orch:
        result = await orch.run(flow, 0)
    assert result.status == "succeeded"
    assert result.output == []


@pytest.mark.parametrize("splitter", ["t.agen_split", "t.sync_split"])
async def test_generators_emit_many(make_orch: Callable[..., Orchestrator], splitter: str) -> None:
    """Async and sync generators are collected into items (sync ones in a worker thread)."""
    flow = wf(
        {
            "split": {"component": splitter},
            "all": {"component": "t.echo", "depends_on": ["split"], "gather": True},
        }
    )
    async with make_orch() as orch:
        result = await orch.run(flow, 5)
    assert result.output == [0, 1, 2, 3, 4]


async def test_empty_workflow(make_orch: Callable[..., Orchestrator]) -> None:
    """A workflow without steps succeeds at once with an empty output mapping."""
    async with make_orch() as orch:
        result = await orch.run(wf({}), 1)
    assert result.status == "succeeded"
    assert result.output == {}
