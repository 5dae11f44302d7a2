"""llm.agent against the fake server: messages sent, answers, streaming, usage."""

from __future__ import annotations

import json

import pytest
from llm_helpers import one_step, orchestrator_for

from orchestrion.testing import make_orchestrator, make_step_context
from orchestrion_llm import LlmPlugin
from orchestrion_llm.testing import FakeChatServer, FakeReply


@pytest.mark.anyio
async def test_plain_answer_is_the_step_output(fake_llm_server: FakeChatServer) -> None:
    """A plain answer becomes the step's output; the request carries system prompt,
    model, temperature and max_tokens."""
    fake_llm_server.add(FakeReply.text("Bonjour"))
    workflow = one_step(system_prompt="Translate to French.", temperature=0.2, max_tokens=50)
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(workflow, "Hello")
    assert result.status == "succeeded"
    assert result.output == "Bonjour"
    (request,) = fake_llm_server.requests
    assert request.messages == [
        {"role": "system", "content": "Translate to French."},
        {"role": "user", "content": "Hello"},
    ]
    assert request.body["model"] == "fake-model"
    assert request.body["temperature"] == 0.2
    assert request.body["max_tokens"] == 50
    assert request.authorization


@pytest.mark.anyio
async def test_streamed_answer_is_assembled(fake_llm_server: FakeChatServer) -> None:
    """With stream=true the server-sent events are joined into the same answer."""
    answer = "A longer answer that arrives in many small pieces."
    fake_llm_server.add(FakeReply.text(answer))
    async with orchestrator_for(fake_llm_server, stream=True) as orch:
        result = await orch.run(one_step(), "Hello")
    assert result.output == answer
    assert fake_llm_server.requests[0].stream


@pytest.mark.anyio
async def test_template_field_and_cap_shape_the_user_message(
    fake_llm_server: FakeChatServer,
) -> None:
    """The prompt template wraps the input's field, cut to max_input_chars; only
    '{input}' is expanded, so braces in data or template stay as they are."""
    fake_llm_server.add(FakeReply.text("ok"))
    workflow = one_step(
        prompt="Summarise {input} {not_a_field}", input_field="text", max_input_chars=5
    )
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(workflow, {"text": "{abcdefgh}", "index": 3})
    assert result.status == "succeeded"
    assert fake_llm_server.requests[0].user_message == "Summarise {abcd {not_a_field}"


@pytest.mark.anyio
async def test_structured_input_is_sent_as_json(fake_llm_server: FakeChatServer) -> None:
    """Input that is not text reaches the model as JSON."""
    fake_llm_server.add(FakeReply.text("ok"))
    async with orchestrator_for(fake_llm_server) as orch:
        await orch.run(one_step(), {"b": [1, 2], "a": "é"})
    assert json.loads(fake_llm_server.requests[0].user_message) == {"b": [1, 2], "a": "é"}


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_usage_and_latency_are_recorded_per_call(
    fake_llm_server: FakeChatServer, stream: bool
) -> None:
    """Each call adds its token counts and latency to ctx.extra['usage']."""
    fake_llm_server.add(FakeReply.text("two words"))
    settings = {"endpoints": {"default": fake_llm_server.endpoint_settings(stream=stream)}}
    async with make_orchestrator(LlmPlugin(settings)) as orch:
        component = orch.registry.components.get("llm.agent")
        assert component is not None
        agent = component.factory(component.options(agent_name="writer"))
        ctx = make_step_context("llm.agent")
        assert await agent.process("one two three", ctx) == "two words"
        await agent.aclose()
    usage = ctx.extra["usage"]
    assert usage["agent"] == "writer"
    assert usage["endpoint"] == "default"
    assert usage["model"] == "fake-model"
    assert usage["calls"] == 1
    assert usage["prompt_tokens"] == 3
    assert usage["completion_tokens"] == 2
    assert usage["total_tokens"] == 5
    assert usage["latency"] > 0


@pytest.mark.anyio
async def test_missing_input_field_fails_once_with_a_clear_error(
    fake_llm_server: FakeChatServer,
) -> None:
    """An input without the configured field is a permanent error, never sent."""
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(one_step(input_field="text"), ["not", "a", "mapping"])
    step = result.steps["ask"]
    assert step.status == "failed"
    assert step.error is not None
    assert step.error.type == "PermanentError"
    assert "input_field 'text'" in step.error.message
    assert fake_llm_server.requests == []


def test_agents_work_across_event_loops(fake_llm_server: FakeChatServer) -> None:
    """A pooled agent used by run_sync in two fresh event loops (asyncio, then trio)
    reconnects in each, and closing afterwards is clean."""
    fake_llm_server.add(FakeReply.text("one"), FakeReply.text("two"))
    orch = orchestrator_for(fake_llm_server)
    try:
        first = orch.run_sync(one_step(), "a")
        second = orch.run_sync(one_step(), "b", backend="trio")
    finally:
        orch.close()
    assert (first.output, second.output) == ("one", "two")
    assert first.steps["ask"].instance == second.steps["ask"].instance
