"""Failed records go to the dead-letter sink and never stop the stream."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrion.exceptions import ConfigError
from orchestrion.streams import StreamResult

from ._kit import PICKY, StreamKit, orchestrator

pytestmark = pytest.mark.anyio


def records() -> list[dict[str, Any]]:
    """Ten records, ids 3 and 7 bad."""
    return [{"id": i, "bad": i in (3, 7)} for i in range(10)]


async def test_bad_records_are_dead_lettered_and_the_stream_goes_on() -> None:
    """Each failing record reaches the async sink with its error; the rest succeed."""
    letters: list[StreamResult] = []

    async def sink(result: StreamResult) -> None:
        letters.append(result)

    async with (
        orchestrator(StreamKit()) as orch,
        orch.stream(records(), workflow=PICKY, dead_letter=sink) as results,
    ):
        got = [r async for r in results]
        stats = results.stats
    assert [r.status for r in got] == ["failed" if i in (3, 7) else "ok" for i in range(10)]
    assert sorted(r.offset for r in letters) == [3, 7]  # in the order they failed
    entry = min(letters, key=lambda r: r.offset).dead_letter()
    assert entry["offset"] == 3
    assert entry["error_type"] == "PermanentError"
    assert "record 3 is bad" in entry["error"]
    assert entry["record"] == {"id": 3, "bad": True}
    assert (stats.records_in, stats.records_out, stats.errors, stats.dead_lettered) == (
        10,
        10,
        2,
        2,
    )


async def test_a_failing_sink_does_not_stop_the_stream() -> None:
    """A sink that raises is not counted as dead-lettered, and the stream finishes."""

    def sink(result: StreamResult) -> None:
        raise OSError("disk full")

    async with (
        orchestrator(StreamKit()) as orch,
        orch.stream(records(), workflow=PICKY, dead_letter=sink) as results,
    ):
        got = [r async for r in results]
        stats = results.stats
    assert len(got) == 10
    assert (stats.errors, stats.dead_lettered) == (2, 0)


async def test_unroutable_records_fail_alone() -> None:
    """Without a workflow, a record no route fits is a failed result, not an error."""
    async with (
        orchestrator(StreamKit()) as orch,
        orch.stream([{"id": 1}], concurrency=1) as results,
    ):
        (result,) = [r async for r in results]
    assert not result.ok
    assert result.error_type == ConfigError.__qualname__


async def test_routed_records_follow_their_rule() -> None:
    """Without a workflow, each record runs the route its rule picks."""
    config = {"routing": {"rules": [{"name": "text", "when": "is_text", "route": ["s.jitter"]}]}}
    async with (
        orchestrator(StreamKit(), config=config) as orch,
        orch.stream(["a", 1, "b"], concurrency=2) as results,
    ):
        got = [r async for r in results]
    assert [r.ok for r in got] == [True, False, True]
    assert [r.output for r in got if r.ok] == [{"value": "a"}, {"value": "b"}]
    assert got[1].error_type == "ConfigError"
