"""numeric.extract and numeric.stats inside real workflow runs."""

from __future__ import annotations

import pytest

from orchestrion.testing import make_orchestrator
from orchestrion_numeric import NumericPlugin

REPORT = "Q3 revenue rose 12% to 4,500 units; costs fell to 2,100.5 units and 300 units."

WORKFLOW = {
    "name": "numbers",
    "steps": {
        "extract": {"component": "numeric.extract"},
        "stats": {
            "component": "numeric.stats",
            "depends_on": ["extract"],
            "options": {"percentiles": [50]},
        },
    },
}


@pytest.mark.anyio
async def test_extract_then_stats() -> None:
    """The route numeric.extract -> numeric.stats summarises the numbers of a text."""
    async with make_orchestrator(NumericPlugin()) as orch:
        result = await orch.run(WORKFLOW, REPORT)
    assert result.status == "succeeded"
    numbers = result.steps["extract"].output["numbers"]
    assert [n["value"] for n in numbers] == [12, 4500, 2100.5, 300]
    stats = result.steps["stats"].output
    assert (stats["count"], stats["sum"], stats["min"], stats["max"]) == (4, 6912.5, 12, 4500)
    assert stats["percentiles"] == {"p50": 1200.25}


@pytest.mark.anyio
async def test_structures_are_extracted_with_pointers() -> None:
    """A parsed document yields numbers with JSON Pointers through a run too."""
    doc = {"readings": [{"t": 20.5}, {"t": 21.5}], "note": "calibrated at 3 points"}
    async with make_orchestrator(NumericPlugin()) as orch:
        result = await orch.run(WORKFLOW, doc)
    pointers = [n["pointer"] for n in result.steps["extract"].output["numbers"]]
    assert pointers == ["/readings/0/t", "/readings/1/t", "/note"]
    assert result.steps["stats"].output["mean"] == 15.0


@pytest.mark.anyio
async def test_bad_input_fails_once_with_a_typed_error() -> None:
    """Input stats cannot use fails that step with a PermanentError, tried once."""
    workflow = {"steps": {"stats": {"component": "numeric.stats"}}}
    async with make_orchestrator(NumericPlugin()) as orch:
        result = await orch.run(workflow, ["1", 2])
    step = result.steps["stats"]
    assert result.status == "failed"
    assert step.error is not None
    assert step.error.type == "PermanentError"
    assert "item 0 is a str" in step.error.message
    assert step.attempts == 1


@pytest.mark.anyio
async def test_numeric_text_is_routed_to_extract_then_stats() -> None:
    """process() on text full of figures plans extract -> stats; a lone digit plans nothing."""
    async with make_orchestrator(NumericPlugin()) as orch:
        route = orch.plan(REPORT)
        assert [s.component for s in route.steps] == ["numeric.extract", "numeric.stats"]
        assert [s.component for s in orch.plan("I have 2 cats and a dog.").steps] == []
        result = await orch.process(REPORT)
    assert result.status == "succeeded"
    (stats,) = (s for s in result.steps.values() if s.component == "numeric.stats")
    assert stats.output["count"] == 4
