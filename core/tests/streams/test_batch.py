"""The batched fast path (``batch=N``): direct component calls, many records per trip."""

from __future__ import annotations

import json
from typing import Any

import pytest

from orchestrion.exceptions import ConfigError

from ._kit import JITTER, PICKY, StreamKit, orchestrator

pytestmark = pytest.mark.anyio

#: Two synchronous steps: the words of each record, then their count.
CHAIN = {
    "name": "chain",
    "steps": {
        "words": {"component": "s.words"},
        "count": {"component": "s.count", "depends_on": ["words"]},
    },
}


@pytest.mark.parametrize("ordered", [True, False])
async def test_batches_process_every_record_once(ordered: bool) -> None:
    """Through a two-step sync chain in batches, every record's output arrives once."""
    records = [" ".join("w" * (i % 3 + 1)) for i in range(500)]
    async with (
        orchestrator(StreamKit()) as orch,
        orch.stream(records, workflow=CHAIN, batch=16, buffer=64, ordered=ordered) as results,
    ):
        got = [r async for r in results]
    by_offset = {r.offset: r.output for r in got}
    assert len(got) == 500
    assert by_offset == {i: i % 3 + 1 for i in range(500)}
    if ordered:
        assert [r.offset for r in got] == list(range(500))


async def test_a_failing_record_in_a_batch_fails_alone() -> None:
    """Async steps work too; the bad records of a batch are dead-lettered, the rest succeed."""
    letters: list[Any] = []
    records = [{"id": i, "bad": i % 10 == 0} for i in range(50)]
    async with (
        orchestrator(StreamKit()) as orch,
        orch.stream(records, workflow=PICKY, batch=8, dead_letter=letters.append) as results,
    ):
        got = [r async for r in results]
    assert [r.ok for r in got] == [i % 10 != 0 for i in range(50)]
    assert sorted(r.offset for r in letters) == [0, 10, 20, 30, 40]


async def test_decode_failures_are_dead_lettered_in_batches() -> None:
    """With ``decode``, a record that does not decode fails with the decoder's error."""
    lines = [json.dumps(f"w{i}") if i != 3 else "{oops" for i in range(6)]
    async with (
        orchestrator(StreamKit()) as orch,
        orch.stream(lines, workflow=JITTER, batch=4, decode=json.loads) as results,
    ):
        got = [r async for r in results]
    assert [r.ok for r in got] == [True, True, True, False, True, True]
    assert got[3].error_type == "JSONDecodeError"
    assert got[3].record == "{oops"


async def test_batch_refuses_workflows_that_are_not_a_chain() -> None:
    """A fan-out workflow, or no workflow, with ``batch`` is a ConfigError naming the problem."""
    fan_out = {
        "name": "fan",
        "steps": {
            "lines": {"component": "core.lines"},
            "count": {"component": "core.count", "for_each": "lines"},
        },
    }
    async with orchestrator(StreamKit()) as orch:
        with pytest.raises(ConfigError, match="chain of single steps"):
            orch.stream([], workflow=fan_out, batch=8)
        with pytest.raises(ConfigError, match="needs a workflow"):
            orch.stream([], batch=8)
