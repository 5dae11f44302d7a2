"""The offline ``scripted`` provider: mapping, JSON Lines script, default, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from llm_helpers import one_step

from orchestrion import ConfigError
from orchestrion.testing import make_orchestrator
from orchestrion_llm import LlmPlugin


def scripted(**endpoint: Any) -> LlmPlugin:
    """The plugin with a scripted ``default`` endpoint."""
    return LlmPlugin({"endpoints": {"default": {"provider": "scripted", **endpoint}}})


@pytest.mark.anyio
async def test_mapping_answers_by_contained_text() -> None:
    """A responses entry answers any user message containing its key."""
    plugin = scripted(responses={"weather": "Sunny.", "time": "Noon."})
    async with make_orchestrator(plugin) as orch:
        result = await orch.run(one_step(), "What is the weather like?")
        other = await orch.run(one_step(), "What time is it?")
    assert (result.output, other.output) == ("Sunny.", "Noon.")


@pytest.mark.anyio
async def test_script_lines_answer_in_order_then_default(tmp_path: Path) -> None:
    """Unmatched script answers are used once each, in order, then the default."""
    script = tmp_path / "answers.jsonl"
    lines = [
        {"content": "first"},
        "# a comment",
        {"json": {"n": 2}},
        {"match": "hi", "content": "hey"},
    ]
    script.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n\n",
        encoding="utf-8",
    )
    plugin = scripted(script=str(script), default="fallback")
    async with make_orchestrator(plugin) as orch:
        outputs = [(await orch.run(one_step(), text)).output for text in ("a", "hi", "b", "c")]
    assert outputs == ["first", "hey", '{"n": 2}', "fallback"]


@pytest.mark.anyio
async def test_scripted_structured_answers_validate_in_every_mode() -> None:
    """A json answer satisfies an output model (as tool arguments when a tool is forced)."""
    plugin = scripted(answers=[{"json": {"summary": "short"}}])
    async with make_orchestrator(plugin) as orch:
        result = await orch.run(one_step(output_model="llm_models:Summary"), "text")
    assert result.status == "succeeded"
    assert result.output == {"summary": "short"}


@pytest.mark.anyio
async def test_no_answer_is_a_permanent_error_naming_the_endpoint() -> None:
    """A request nothing answers fails once, saying what to add."""
    async with make_orchestrator(scripted(responses={"x": "y"})) as orch:
        result = await orch.run(one_step(), "unrelated")
    step = result.steps["ask"]
    assert step.error is not None
    assert step.error.type == "EndpointError"
    assert "scripted endpoint 'default' has no answer" in step.error.message
    assert "add a matching answer or a default" in step.error.message
    assert step.attempts == 1


@pytest.mark.anyio
async def test_scripted_refusal_and_length_behave_like_a_real_endpoint() -> None:
    """Scripted refusals and cut answers raise AgentOutputError as real ones do."""
    plugin = scripted(
        answers=[
            {"match": "a", "refusal": "No."},
            {"match": "b", "content": "x", "finish_reason": "length"},
        ]
    )
    async with make_orchestrator(plugin) as orch:
        refused = await orch.run(one_step(), "a")
        cut = await orch.run(one_step(), "b")
    assert refused.steps["ask"].error is not None
    assert "refused: No." in refused.steps["ask"].error.message
    assert cut.steps["ask"].error is not None
    assert "finish_reason 'length'" in cut.steps["ask"].error.message


def test_bad_script_line_is_a_config_error_with_file_and_line(tmp_path: Path) -> None:
    """A malformed script names its file and line when the first agent is built."""
    script = tmp_path / "bad.jsonl"
    script.write_text('{"content": "ok"}\n{"content": "a", "json": 1}\n', encoding="utf-8")
    with make_orchestrator(scripted(script=str(script))) as orch:
        result = orch.run_sync(one_step(), "x")
    step = result.steps["ask"]
    assert step.error is not None
    assert f"{script}: line 2: not a scripted answer" in step.error.message


def test_scripted_answer_needs_exactly_one_kind() -> None:
    """Settings reject an answer with no content, json or refusal."""
    with pytest.raises(ConfigError, match=r"llm\.endpoints\.default\.scripted\.answers\.0"):
        scripted(answers=[{"match": "x"}]).settings()
