"""Component pools: made on demand, reused across steps and runs, bounded, closed."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest

from orchestrion import Orchestrator, Workflow

from ._kit import Kit

pytestmark = pytest.mark.anyio


def chain(component: str, n: int, salt: str = "") -> Workflow:
    builder = Workflow.builder("pooled")
    for i in range(n):
        builder.step(
            f"s{i}", component, options={"salt": salt}, depends_on=[f"s{i - 1}"] if i else []
        )
    return builder.build()


async def test_created_on_demand_and_reused(
    make_orch: Callable[..., Orchestrator], kit: Kit
) -> None:
    """Equal (type, options) share one instance across steps and runs; the factory runs lazily."""
    orch = make_orch()
    assert kit.created == []  # nothing is made before it is needed
    async with orch:
        first = await orch.run(chain("t.closing", 5), 1)
        second = await orch.run(chain("t.closing", 3), 1)
        assert kit.created == ["closing--0"]
        ids = {s.instance for r in (first, second) for s in r.steps.values()}
        assert ids == {"t.closing/1#1"}
        assert len(orch.pools) == 1
    assert kit.closed == ["closing--0"]  # aclose() when the orchestrator closes


async def test_different_options_get_different_pools(
    make_orch: Callable[..., Orchestrator], kit: Kit
) -> None:
    """Components with different options are different pools and instances."""
    flow = Workflow.model_validate(
        {
            "steps": {
                "a": {"component": "t.closing", "options": {"salt": "x"}},
                "b": {"component": "t.closing", "options": {"salt": "y"}},
                "c": {"component": "t.closing", "options": {"salt": "x"}},
            }
        }
    )
    async with make_orch() as orch:
        result = await orch.run(flow, 1)
    pool = {name: (step.instance or "").split("#")[0] for name, step in result.steps.items()}
    assert pool == {"a": "t.closing/1", "b": "t.closing/2", "c": "t.closing/1"}
    assert sorted(kit.closed) == sorted(kit.created)


async def test_sync_components_are_used_exclusively_within_the_bound(
    make_orch: Callable[..., Orchestrator], kit: Kit
) -> None:
    """Concurrent calls of a sync component use separate instances, never more than pool_size."""
    flow = Workflow.model_validate(
        {"steps": {f"r{i}": {"component": "t.sync_closing"} for i in range(12)}}
    )
    async with make_orch(engine={"pool_size": 2}) as orch:
        result = await orch.run(flow, 1, concurrency=6)
        assert result.status == "succeeded"
        assert 1 <= len(kit.created) <= 2
    assert sorted(kit.closed) == sorted(kit.created)  # close() is called too


async def test_async_components_share_when_the_pool_is_full(
    make_orch: Callable[..., Orchestrator], kit: Kit
) -> None:
    """Async calls beyond pool_size share the least busy instance instead of waiting."""
    kit.expect_in_flight = 4
    kit.all_in = anyio.Event()
    flow = Workflow.model_validate({"steps": {f"r{i}": {"component": "t.crowd"} for i in range(4)}})
    async with make_orch(engine={"pool_size": 1}) as orch:
        with anyio.fail_after(5):  # waiting for a free instance would never end
            result = await orch.run(flow, 1, concurrency=4)
    assert {s.instance for s in result.steps.values()} == {"t.crowd/1#1"}


async def test_closed_orchestrator_refuses_runs(make_orch: Callable[..., Orchestrator]) -> None:
    """After aclose() the orchestrator refuses new runs with a clear error."""
    orch = make_orch()
    await orch.aclose()
    await orch.run(Workflow.model_validate({"steps": {}}))  # never started an engine: fine
    async with make_orch() as other:
        await other.run(Workflow.model_validate({"steps": {"a": {"component": "t.echo"}}}))
    with pytest.raises(Exception, match="orchestrator is closed"):
        await other.run(Workflow.model_validate({"steps": {"a": {"component": "t.echo"}}}))


def test_sync_api_runs_and_closes(make_orch: Callable[..., Orchestrator], kit: Kit) -> None:
    """run_sync() runs from plain code; the sync context manager closes the pools."""
    with make_orch() as orch:
        first = orch.run_sync(chain("t.closing", 2), 1)
        second = orch.run_sync(chain("t.closing", 2), 1, backend="trio")
        assert first.ok
        assert second.ok
    assert kit.closed == ["closing--0"]


def test_sync_component_across_event_loops(make_orch: Callable[..., Orchestrator]) -> None:
    """Sync components (thread limiter) work across successive run_sync loops."""
    flow = Workflow.model_validate({"steps": {"d": {"component": "t.sync_double"}}})
    with make_orch() as orch:
        assert orch.run_sync(flow, 1).output == 2
        assert orch.run_sync(flow, 2, backend="trio").output == 4
        assert orch.run_sync(flow, 3).output == 6


async def test_two_orchestrators_are_independent(
    make_orch: Callable[..., Orchestrator], kit: Kit
) -> None:
    """Two orchestrators in one process have their own pools; closing one leaves the other."""
    first, second = make_orch(), make_orch()
    async with second:
        async with first:
            await first.run(chain("t.closing", 1), 1)
            await second.run(chain("t.closing", 1), 1)
            assert len(kit.created) == 2  # one instance each, nothing shared
        assert kit.closed == [kit.created[0]]
        result = await second.run(chain("t.closing", 1), 1)  # still usable, still pooled
        assert result.ok
        assert len(kit.created) == 2
    assert sorted(kit.closed) == sorted(kit.created)
