"""The OpenAI-compatible Chat Completions adapter, over the official SDK.

The SDK is imported on the first call, never at plugin load, so listing
plugins stays fast. Its own retries are off (``max_retries=0``): the step's
policy retries, with the core's backoff, breaker and budget.

Errors are mapped into the core's tree and raised *outside* the ``except``
block that caught the SDK's exception: an SDK exception holds the HTTP
request, headers included, and chaining it (``__context__``) would carry the
API key along with the error.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import anyio.lowlevel

from orchestrion import TransientError

from ._endpoint import ChatReply, ChatRequest, Usage
from ._errors import EndpointError

if TYPE_CHECKING:
    from ._settings import OpenAIEndpointSettings

__all__ = ["OpenAIEndpoint", "parse_retry_after"]

log = logging.getLogger("orchestrion_llm.openai")

# Server messages can quote a (masked) key back; never pass one on.
_KEY_LIKE = re.compile(r"\b(sk|key|pk|api)[-_][A-Za-z0-9_\-*.]{6,}", re.IGNORECASE)
_TRANSIENT_STATUS = frozenset({408, 409, 425, 429})


def parse_retry_after(headers: Any) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or an
    HTTP date), or ``None`` when absent or unreadable."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _is_transport_error(exc: BaseException) -> bool:
    # The SDK's HTTP library (httpx, or httpx2 in newer SDKs) raises its own
    # transport errors while a stream is read, outside the SDK's mapping.
    module = type(exc).__module__.split(".")[0]
    return module in {"httpx", "httpx2", "httpcore", "httpcore2", "h11"}


class OpenAIEndpoint:
    """An endpoint speaking OpenAI-compatible Chat Completions.

    :param name: the endpoint's name in ``[llm.endpoints]``.
    :param settings: its validated settings.
    :param env: where ``api_key_env`` is looked up (default: ``os.environ``).
    """

    def __init__(
        self,
        name: str,
        settings: OpenAIEndpointSettings,
        *,
        env: Any = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self._env = os.environ if env is None else env
        self._client: Any = None
        self._loop: object = None

    def __repr__(self) -> str:
        return f"OpenAIEndpoint({self.name!r}, base_url={self.settings.base_url!r})"

    def _key(self) -> str:
        if self.settings.api_key is not None:
            return self.settings.api_key.get_secret_value()
        key = self._env.get(self.settings.api_key_env)
        if key:
            return str(key)
        if self.settings.base_url is None:
            msg = (
                f"endpoint {self.name!r} has no API key: set the environment variable "
                f"{self.settings.api_key_env} (or api_key_env in [llm.endpoints.{self.name}])"
            )
            raise EndpointError(msg, endpoint=self.name)
        # Local servers (Ollama, vLLM, llama.cpp) ignore the key but the SDK wants one.
        return "not-needed"

    def _client_for_this_loop(self) -> Any:
        # An HTTP connection pool belongs to the event loop that opened it; a
        # pooled component may outlive one loop (run_sync makes a fresh loop
        # per call), so the client is rebuilt when the loop changes.
        loop = anyio.lowlevel.current_token().native_token
        if self._client is None or self._loop is not loop:
            from openai import AsyncOpenAI

            self._client = AsyncOpenAI(
                api_key=self._key(),
                base_url=self.settings.base_url,
                timeout=self.settings.timeout,
                max_retries=0,
            )
            self._loop = loop
        return self._client

    async def complete(self, request: ChatRequest) -> ChatReply:
        """Send ``request``; see :class:`~orchestrion_llm.ChatEndpoint`."""
        import openai

        client = self._client_for_this_loop()
        model = request.model or self.settings.model
        if model is None:
            msg = f"endpoint {self.name!r} has no model: set model on the endpoint or the agent"
            raise EndpointError(msg, endpoint=self.name)
        stream = self.settings.stream if request.stream is None else request.stream
        kwargs: dict[str, Any] = {"model": model, "messages": list(request.messages)}
        if request.max_tokens is not None:
            kwargs["max_tokens"] = request.max_tokens
        if request.temperature is not None:
            kwargs["temperature"] = request.temperature
        if request.response_format is not None:
            kwargs["response_format"] = request.response_format
        if request.tools:
            kwargs["tools"] = list(request.tools)
        if request.tool_choice is not None:
            kwargs["tool_choice"] = request.tool_choice
        started = time.monotonic()
        failure: Exception | None = None
        try:
            if stream:
                reply = await self._streamed(client, kwargs, model, started)
            else:
                completion = await client.chat.completions.create(**kwargs)
                reply = _reply_of(completion, model, time.monotonic() - started)
        except openai.APIError as exc:
            failure = self._map(exc)
        except Exception as exc:
            if not _is_transport_error(exc):
                raise
            failure = TransientError(
                f"endpoint {self.name!r}: connection failed ({type(exc).__name__}); "
                "it will be retried"
            )
        if failure is not None:
            raise failure
        log.debug(
            "endpoint %s: %s in %.3fs, %d tokens",
            self.name,
            reply.finish_reason,
            reply.latency,
            reply.usage.total_tokens,
        )
        return reply

    async def _streamed(
        self, client: Any, kwargs: dict[str, Any], model: str, started: float
    ) -> ChatReply:
        # The raw event stream is read to its end rather than through the SDK's
        # AsyncStream: that one stops at "[DONE]" and leaves its inner async
        # generators suspended, which trio reports as a ResourceWarning.
        text: list[str] = []
        arguments: list[str] = []
        refusal: list[str] = []
        finish: str | None = None
        usage = Usage()
        done = False
        request = client.chat.completions.with_streaming_response.create(
            **kwargs, stream=True, stream_options={"include_usage": True}
        )
        async with request as response:
            async for line in response.iter_lines():
                if done or not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    done = True
                    continue
                try:
                    chunk = json.loads(data)
                except ValueError:
                    msg = (
                        f"endpoint {self.name!r}: a stream event is not JSON; is base_url "
                        "an OpenAI-compatible server?"
                    )
                    raise EndpointError(msg, endpoint=self.name) from None
                if chunk.get("error"):
                    detail = self._scrub(str(chunk["error"].get("message", "")))
                    msg = f"endpoint {self.name!r}: error in the stream: {detail}"
                    raise TransientError(msg)
                if chunk.get("usage"):
                    usage = _usage_of(chunk["usage"])
                model = chunk.get("model") or model
                for choice in (chunk.get("choices") or ())[:1]:
                    delta = choice.get("delta") or {}
                    if delta.get("content"):
                        text.append(delta["content"])
                    if delta.get("refusal"):
                        refusal.append(delta["refusal"])
                    for call in (delta.get("tool_calls") or ())[:1]:
                        piece = (call.get("function") or {}).get("arguments")
                        if piece:
                            arguments.append(piece)
                    if choice.get("finish_reason") is not None:
                        finish = choice["finish_reason"]
        if finish is None:
            # The connection ended cleanly but the answer did not: a dropped
            # stream, not an answer, and worth another attempt.
            msg = (
                f"endpoint {self.name!r}: the stream ended without a finish reason "
                f"after {sum(map(len, text))} characters; it will be retried"
            )
            raise TransientError(msg)
        return ChatReply(
            content="".join(text) if text else None,
            finish_reason=finish,
            model=model,
            usage=usage,
            latency=time.monotonic() - started,
            tool_arguments="".join(arguments) if arguments else None,
            refusal="".join(refusal) if refusal else None,
        )

    def _scrub(self, text: str) -> str:
        key = None
        with contextlib.suppress(EndpointError):
            key = self._key()
        if key and len(key) >= 4:
            text = text.replace(key, "***")
        return _KEY_LIKE.sub("***", text)[:300]

    def _map(self, exc: Exception) -> Exception:
        import openai

        where = f"endpoint {self.name!r}"
        if isinstance(exc, openai.APITimeoutError):
            msg = f"{where}: no answer within {self.settings.timeout}s; it will be retried"
            return TransientError(msg)
        if isinstance(exc, openai.APIConnectionError):
            msg = f"{where}: cannot connect to {self.settings.base_url or 'api.openai.com'}"
            return TransientError(msg)
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            if status in _TRANSIENT_STATUS or status >= 500:
                wait = parse_retry_after(exc.response.headers)
                hint = f"; retry after {wait:g}s" if wait is not None else ""
                msg = f"{where}: HTTP {status} (overloaded or failing){hint}"
                return TransientError(msg, retry_after=wait)
            if status in (401, 403):
                msg = (
                    f"{where}: HTTP {status}, the API key was refused: check "
                    f"{self.settings.api_key_env} (or the endpoint's api_key)"
                )
                return EndpointError(msg, endpoint=self.name, status=status)
            body = exc.body
            if isinstance(body, dict) and isinstance(body.get("error"), dict):
                body = body["error"]
            found = body.get("message") if isinstance(body, dict) else None
            detail = self._scrub(str(found or exc.message or ""))
            msg = f"{where}: HTTP {status}, request rejected: {detail}"
            return EndpointError(msg, endpoint=self.name, status=status)
        msg = f"{where}: unusable response ({type(exc).__name__})"
        return EndpointError(msg, endpoint=self.name)

    async def aclose(self) -> None:
        """Close the HTTP client; a later call opens a new one."""
        client, self._client = self._client, None
        if client is None:
            return
        # A client opened in another (finished) event loop holds connections of
        # that loop, which cannot be closed from this one; they went with it.
        if anyio.lowlevel.current_token().native_token is self._loop:
            await client.close()


def _usage_of(usage: Any) -> Usage:
    def get(name: str) -> int:
        value = usage.get(name) if isinstance(usage, dict) else getattr(usage, name, None)
        return int(value or 0)

    return Usage(get("prompt_tokens"), get("completion_tokens"), get("total_tokens"))


def _reply_of(completion: Any, model: str, latency: float) -> ChatReply:
    if not completion.choices:
        return ChatReply(content=None, finish_reason=None, model=model, latency=latency)
    choice = completion.choices[0]
    message = choice.message
    arguments = None
    if message.tool_calls:
        function = getattr(message.tool_calls[0], "function", None)
        arguments = getattr(function, "arguments", None)
    return ChatReply(
        content=message.content,
        finish_reason=choice.finish_reason,
        model=completion.model or model,
        usage=_usage_of(completion.usage) if completion.usage is not None else Usage(),
        latency=latency,
        tool_arguments=arguments,
        refusal=getattr(message, "refusal", None),
    )
