"""An output a durable store cannot encode fails that step, naming it and the type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from orchestrion import Orchestrator, Workflow

MakeOrch = Callable[..., Orchestrator]


def _workflow() -> Workflow:
    return (
        Workflow.builder("objects")
        .step("make", "t.obj")
        .step("after", "t.sum", depends_on="make")
        .build()
    )


def test_unserialisable_output_fails_the_step(make_orch: MakeOrch, state_file: Path) -> None:
    """With SQLite, a step returning ``object()`` fails with an error naming step and type."""
    with make_orch(str(state_file)) as orch:
        result = orch.run_sync(_workflow())
    make = result.steps["make"]
    assert make.status == "failed"
    assert make.error is not None
    assert make.error.type == "PermanentError"
    assert "step 'make'" in make.error.message
    assert "type object" in make.error.message
    assert result.steps["after"].status == "skipped"
    assert result.status == "failed"


def test_failure_is_committed_with_its_error(make_orch: MakeOrch, state_file: Path) -> None:
    """The failure itself is recorded in the store (never silently dropped)."""
    import anyio

    async def main() -> None:
        async with make_orch(str(state_file)) as orch:
            result = await orch.run(_workflow())
            records = await orch.store.get_steps(result.run_id)
        assert [(r.step, r.status, r.error_type) for r in records] == [
            ("make", "failed", "PermanentError")
        ]

    anyio.run(main)


def test_memory_store_keeps_any_output(make_orch: MakeOrch) -> None:
    """The in-process store does not encode outputs, so any object is fine there."""
    with make_orch("memory") as orch:
        result = orch.run_sync(Workflow.builder("o").step("make", "t.obj").build())
    assert result.status == "succeeded"
    assert type(result.output) is object
