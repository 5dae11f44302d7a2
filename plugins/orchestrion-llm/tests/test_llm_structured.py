"""Structured output: strict schemas, the three modes, re-asks, unusable answers."""

from __future__ import annotations

from typing import Any

import pytest
from llm_helpers import one_step, orchestrator_for

from orchestrion_llm import strict_schema
from orchestrion_llm.testing import FakeChatServer, FakeReply

GOOD = {"number": "F-17", "total": 12.5, "currency": "USD"}
INVOICE = "llm_models:Invoice"


def test_strict_schema_closes_every_object_and_requires_every_property() -> None:
    """Nested objects get additionalProperties false and all properties required;
    defaults are dropped."""
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "default": 1},
            "b": {"$ref": "#/$defs/B"},
        },
        "$defs": {"B": {"type": "object", "properties": {"c": {"type": "string"}}}},
    }
    strict = strict_schema(schema)
    assert strict["additionalProperties"] is False
    assert strict["required"] == ["a", "b"]
    assert "default" not in strict["properties"]["a"]
    assert strict["$defs"]["B"] == {
        "type": "object",
        "properties": {"c": {"type": "string"}},
        "additionalProperties": False,
        "required": ["c"],
    }
    assert "additionalProperties" not in schema  # the input is not modified


@pytest.mark.anyio
async def test_json_schema_mode_sends_a_strict_response_format(
    fake_llm_server: FakeChatServer,
) -> None:
    """json_schema mode asks with a strict response_format and returns the validated value."""
    fake_llm_server.add(FakeReply.json(GOOD))
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(one_step(output_model=INVOICE, agent_name="extract"), "inv")
    assert result.output == GOOD
    fmt = fake_llm_server.requests[0].body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["name"] == "extract"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["required"] == ["number", "total", "currency"]


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_tool_mode_forces_a_tool_call_and_reads_its_arguments(
    fake_llm_server: FakeChatServer, stream: bool
) -> None:
    """tool mode forces one function call whose arguments are the answer."""
    fake_llm_server.add(FakeReply.tool_call(GOOD, name="extract"))
    async with orchestrator_for(fake_llm_server, structured_mode="tool", stream=stream) as orch:
        result = await orch.run(one_step(output_model=INVOICE, agent_name="extract"), "inv")
    assert result.output == GOOD
    body = fake_llm_server.requests[0].body
    assert body["tool_choice"] == {"type": "function", "function": {"name": "extract"}}
    (tool,) = body["tools"]
    assert tool["function"]["strict"] is True
    assert tool["function"]["parameters"]["additionalProperties"] is False
    assert "response_format" not in body


@pytest.mark.anyio
async def test_prompt_mode_puts_the_schema_in_the_system_message(
    fake_llm_server: FakeChatServer,
) -> None:
    """prompt mode states the schema in the system message and accepts a fenced answer."""
    fake_llm_server.add(FakeReply.text('```json\n{"number": "1", "total": 3}\n```'))
    async with orchestrator_for(fake_llm_server, structured_mode="prompt") as orch:
        result = await orch.run(one_step(output_model=INVOICE, system_prompt="Extract."), "x")
    assert result.output == {"number": "1", "total": 3.0, "currency": "EUR"}
    body = fake_llm_server.requests[0].body
    system = body["messages"][0]["content"]
    assert system.startswith("Extract.")
    assert '"additionalProperties": false' in system
    assert "response_format" not in body
    assert "tools" not in body


@pytest.mark.anyio
async def test_invalid_then_valid_answer_is_re_asked_with_the_errors(
    fake_llm_server: FakeChatServer,
) -> None:
    """An invalid answer is sent back with its errors; the corrected one is the output,
    all within one attempt of the step."""
    fake_llm_server.add(FakeReply.json({"number": "F-1", "total": -4}), FakeReply.json(GOOD))
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(one_step(output_model=INVOICE), "inv")
    assert result.status == "succeeded"
    assert result.output == GOOD
    assert result.steps["ask"].attempts == 1
    first, second = fake_llm_server.requests
    assert second.messages[:1] == first.messages == [{"role": "user", "content": "inv"}]
    assert second.messages[1] == {"role": "assistant", "content": '{"number": "F-1", "total": -4}'}
    assert "total: Input should be greater than or equal to 0" in second.user_message


@pytest.mark.anyio
async def test_answer_still_invalid_after_the_re_asks_is_a_permanent_error(
    fake_llm_server: FakeChatServer,
) -> None:
    """After max_reasks re-asks the step fails with AgentOutputError, tried once."""
    fake_llm_server.add(*[FakeReply.text("not json")] * 2)
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(one_step(output_model=INVOICE, max_reasks=1), "inv")
    step = result.steps["ask"]
    assert step.status == "failed"
    assert step.error is not None
    assert step.error.type == "AgentOutputError"
    assert "after 1 re-asks" in step.error.message
    assert "not JSON" in step.error.message
    assert step.attempts == 1
    assert len(fake_llm_server.requests) == 2


@pytest.mark.anyio
async def test_output_schema_is_validated_with_json_schema(
    fake_llm_server: FakeChatServer,
) -> None:
    """A plain JSON Schema validates the answer; a violation is re-asked with its path."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"tags": {"type": "array", "items": {"type": "string"}}},
        "required": ["tags"],
    }
    fake_llm_server.add(FakeReply.json({"tags": [1]}), FakeReply.json({"tags": ["a"]}))
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(one_step(output_schema=schema), "x")
    assert result.output == {"tags": ["a"]}
    assert "tags.0: 1 is not of type 'string'" in fake_llm_server.requests[1].user_message


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (FakeReply.text('{"number": "1", "tot', finish_reason="length"), "cut at max_tokens=7"),
        (FakeReply.refusal("I cannot help with that."), "refused: I cannot help with that."),
        (FakeReply.text("", finish_reason="content_filter"), "content filter"),
    ],
)
async def test_unfinished_answers_fail_without_re_ask(
    fake_llm_server: FakeChatServer, reply: FakeReply, expected: str
) -> None:
    """A cut (finish_reason length), refused or filtered answer is an AgentOutputError
    at once: no re-ask, no retry."""
    fake_llm_server.add(reply)
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(one_step(output_model=INVOICE, max_tokens=7), "x")
    step = result.steps["ask"]
    assert step.error is not None
    assert step.error.type == "AgentOutputError"
    assert expected in step.error.message
    assert len(fake_llm_server.requests) == 1


@pytest.mark.anyio
async def test_bad_output_model_is_rejected_before_any_call(
    fake_llm_server: FakeChatServer,
) -> None:
    """An output_model that cannot be imported fails the step with the path named."""
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(one_step(output_model="llm_models:Nope"), "x")
    step = result.steps["ask"]
    assert step.status == "failed"
    assert step.error is not None
    assert "cannot import 'llm_models:Nope'" in step.error.message
    assert fake_llm_server.requests == []
