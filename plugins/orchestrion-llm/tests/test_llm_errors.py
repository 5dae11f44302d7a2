"""Endpoint failures mapped into the core's error tree, against the fake server."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from orchestrion import TransientError
from orchestrion_llm import ChatRequest, EndpointError, OpenAIEndpoint, OpenAIEndpointSettings
from orchestrion_llm.testing import FakeChatServer, FakeReply

REQUEST = ChatRequest(messages=({"role": "user", "content": "Hi"},))


def endpoint(server: FakeChatServer, **overrides: Any) -> OpenAIEndpoint:
    """An adapter pointed at ``server``."""
    settings = OpenAIEndpointSettings.model_validate(server.endpoint_settings(**overrides))
    return OpenAIEndpoint("fake", settings, env={})


async def failure(server: FakeChatServer, reply: FakeReply, **overrides: Any) -> Exception:
    """The exception one call raises when the server answers ``reply``."""
    server.add(reply)
    adapter = endpoint(server, **overrides)
    try:
        with pytest.raises(Exception) as info:
            await adapter.complete(REQUEST)
    finally:
        await adapter.aclose()
    error = info.value
    assert isinstance(error, Exception)
    # Never chained to the SDK's exception, which holds the request's headers.
    assert error.__cause__ is None
    assert error.__context__ is None
    return error


@pytest.mark.anyio
async def test_429_is_transient_and_carries_retry_after(fake_llm_server: FakeChatServer) -> None:
    """HTTP 429 becomes TransientError with retry_after from the Retry-After header."""
    error = await failure(fake_llm_server, FakeReply.rate_limited(1.5))
    assert isinstance(error, TransientError)
    assert error.retry_after == 1.5
    assert "HTTP 429" in str(error)


@pytest.mark.anyio
@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_is_transient(fake_llm_server: FakeChatServer, status: int) -> None:
    """Server errors are worth retrying and carry no retry_after without the header."""
    error = await failure(fake_llm_server, FakeReply.error(status))
    assert isinstance(error, TransientError)
    assert error.retry_after is None


@pytest.mark.anyio
@pytest.mark.parametrize("status", [400, 404, 422])
async def test_other_4xx_is_permanent_with_the_server_message(
    fake_llm_server: FakeChatServer, status: int
) -> None:
    """A rejected request is an EndpointError (a PermanentError) quoting the server."""
    error = await failure(fake_llm_server, FakeReply.error(status, "model 'x' not found"))
    assert isinstance(error, EndpointError)
    assert error.status == status
    assert error.endpoint == "fake"
    assert f"HTTP {status}, request rejected: model 'x' not found" in str(error)


@pytest.mark.anyio
@pytest.mark.parametrize("status", [401, 403])
async def test_auth_failure_names_the_variable_never_the_key(
    fake_llm_server: FakeChatServer, status: int
) -> None:
    """401/403 say which setting holds the key; the server's echo of it is dropped."""
    reply = FakeReply.error(status, "Incorrect API key provided: fake-key-for-tests")
    error = await failure(fake_llm_server, reply)
    assert isinstance(error, EndpointError)
    assert "OPENAI_API_KEY" in str(error)
    assert "fake-key" not in str(error)
    assert "fake-key" not in repr(error.args)


@pytest.mark.anyio
async def test_key_like_text_in_a_rejection_is_redacted(fake_llm_server: FakeChatServer) -> None:
    """A 400 message quoting the key (or anything key-like) is scrubbed."""
    reply = FakeReply.error(400, "bad value fake-key-for-tests near sk-abcdef123456")
    error = await failure(fake_llm_server, reply)
    assert "fake-key-for-tests" not in str(error)
    assert "sk-abcdef123456" not in str(error)
    assert "bad value *** near ***" in str(error)


@pytest.mark.anyio
async def test_a_hang_past_the_timeout_is_transient_and_bounded(
    fake_llm_server: FakeChatServer,
) -> None:
    """A server that says nothing fails the call after the request timeout."""
    started = time.monotonic()
    error = await failure(fake_llm_server, FakeReply.hang(30), timeout=0.3)
    elapsed = time.monotonic() - started
    assert isinstance(error, TransientError)
    assert "no answer within 0.3s" in str(error)
    assert 0.3 <= elapsed < 5


@pytest.mark.anyio
@pytest.mark.parametrize("stream", [False, True])
async def test_a_dropped_answer_is_transient(fake_llm_server: FakeChatServer, stream: bool) -> None:
    """A connection closed mid-answer (a truncated body, or a stream ending with no
    finish reason) is worth retrying."""
    error = await failure(fake_llm_server, FakeReply.drop(), stream=stream)
    assert isinstance(error, TransientError)
    if stream:
        assert "stream ended without a finish reason after 15 characters" in str(error)


@pytest.mark.anyio
async def test_nothing_listening_is_transient() -> None:
    """A refused connection is a TransientError naming the URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = OpenAIEndpointSettings(base_url=f"http://127.0.0.1:{port}/v1", model="m")
    adapter = OpenAIEndpoint("dead", settings, env={})
    with pytest.raises(TransientError, match=f"cannot connect to http://127.0.0.1:{port}/v1"):
        await adapter.complete(REQUEST)
    await adapter.aclose()


@pytest.mark.anyio
async def test_missing_key_for_openai_is_a_clear_permanent_error() -> None:
    """Without base_url (api.openai.com) a missing key fails before any request."""
    adapter = OpenAIEndpoint("openai", OpenAIEndpointSettings(model="gpt-4o-mini"), env={})
    with pytest.raises(EndpointError, match="set the environment variable OPENAI_API_KEY"):
        await adapter.complete(REQUEST)


@pytest.mark.anyio
async def test_missing_model_is_a_clear_permanent_error(fake_llm_server: FakeChatServer) -> None:
    """An endpoint and agent without a model fail before any request."""
    adapter = endpoint(fake_llm_server, model=None)
    with pytest.raises(EndpointError, match="has no model"):
        await adapter.complete(REQUEST)
    assert fake_llm_server.requests == []


@pytest.mark.anyio
async def test_a_hang_ends_by_itself_after_max_hang() -> None:
    """The server gives up a hanging request after max_hang, so its thread never
    outlives the test even when the client would wait longer."""
    with FakeChatServer(max_hang=0.2) as server:
        started = time.monotonic()
        error = await failure(server, FakeReply.hang(30), timeout=5.0)
        elapsed = time.monotonic() - started
    assert isinstance(error, TransientError)
    assert elapsed < 4
