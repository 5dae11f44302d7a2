"""chunking.split inside real workflow runs: fan-out to per-chunk steps, clean failures."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from orchestrion import ComponentType, Config, StepContext, hookimpl
from orchestrion.testing import make_orchestrator
from orchestrion_chunking import ChunkingPlugin

TEXT = "\n\n".join(f"Paragraph {i} says something. It goes on a little." for i in range(40))


class Probe:
    """A per-chunk component: records which thread it saw and checks the chunk's offsets."""

    def __init__(self, options: Any) -> None:
        self.options = options

    async def process(self, chunk: Any, ctx: StepContext) -> dict[str, Any]:
        """Echo the chunk's index, its item number and whether its offsets hold."""
        return {
            "index": chunk["index"],
            "item": ctx.item,
            "offsets_hold": TEXT[chunk["start"] : chunk["end"]] == chunk["text"],
        }


class Size:
    """An independent branch: the size of the raw input."""

    def __init__(self, options: Any) -> None:
        self.options = options

    def process(self, data: Any, ctx: StepContext) -> int:
        """The input's length."""
        return len(data)


class ProbePlugin:
    """Registers ``probe.check``."""

    orchestrion_plugin_name = "probe"

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """Register the probe."""
        register(ComponentType(name="probe.check", factory=Probe))
        register(ComponentType(name="probe.size", factory=Size))


WORKFLOW = {
    "name": "chunks",
    "steps": {
        "split": {"component": "chunking.split", "options": {"max_size": 120}},
        "check": {"component": "probe.check", "for_each": "split"},
        "size": {"component": "probe.size"},
    },
}


@pytest.mark.anyio
async def test_chunks_fan_out_to_per_chunk_steps() -> None:
    """Each chunk reaches the next step as one item, in order, with valid offsets."""
    async with make_orchestrator(ChunkingPlugin(), ProbePlugin()) as orch:
        result = await orch.run(WORKFLOW, TEXT)
    assert result.status == "succeeded"
    chunks = result.steps["split"].output
    assert len(chunks) > 10
    assert "".join(c["text"] for c in chunks) == TEXT
    checks = result.steps["check"].output
    assert [c["index"] for c in checks] == [c["item"] for c in checks] == list(range(len(chunks)))
    assert all(c["offsets_hold"] for c in checks)


@pytest.mark.anyio
async def test_bad_input_fails_the_step_once_without_crashing_the_run() -> None:
    """Invalid UTF-8 fails the split with a ParseError, tried once; other branches go on."""
    async with make_orchestrator(ChunkingPlugin(), ProbePlugin()) as orch:
        result = await orch.run(WORKFLOW, b"caf\xe9 au lait")
    assert result.status == "partial"
    assert result.steps["size"].output == 12
    split = result.steps["split"]
    assert split.status == "failed"
    assert split.error is not None
    assert split.error.type == "ParseError"
    assert "not valid UTF-8 at byte 3" in split.error.message
    assert split.attempts == 1
    assert result.steps["check"].status == "skipped"


def test_splitting_runs_off_the_event_loop() -> None:
    """process() is a plain function, so the engine runs it in a worker thread."""
    seen: list[int] = []

    class Spy(ChunkingPlugin):
        @hookimpl
        def register_components(
            self, register: Callable[[ComponentType[Any]], None], config: Config
        ) -> None:
            def capture(item: ComponentType[Any]) -> None:
                factory = item.factory

                def wrapped(options: Any) -> Any:
                    component = factory(options)
                    original = component.process

                    def process(data: Any, ctx: StepContext) -> Any:
                        seen.append(threading.get_ident())
                        return original(data, ctx)

                    component.process = process
                    return component

                register(
                    ComponentType(
                        name=item.name, factory=wrapped, options=item.options, emits=item.emits
                    )
                )

            super().register_components(capture, config)

    workflow = {"steps": {"split": {"component": "chunking.split"}}}
    with make_orchestrator(Spy()) as orch:
        result = orch.run_sync(workflow, TEXT)
    assert result.status == "succeeded"
    assert seen
    assert threading.get_ident() not in seen


@pytest.mark.anyio
async def test_long_text_is_routed_to_the_splitter_with_no_configuration() -> None:
    """process() on long prose plans chunking.split from the requirements and runs it."""
    prose = "A plain sentence of prose that goes on for a while. " * 200
    async with make_orchestrator(ChunkingPlugin()) as orch:
        assert [s.component for s in orch.plan(prose).steps] == ["chunking.split"]
        assert [s.component for s in orch.plan("Short.").steps] == []
        result = await orch.process(prose, {"chunking.split": {"max_size": 500}})
    assert result.status == "succeeded"
    (step,) = result.steps.values()
    assert "".join(c["text"] for c in step.output) == prose
    assert all(len(c["text"]) <= 500 for c in step.output)
