"""A fake OpenAI-compatible Chat Completions server for offline tests.

A real HTTP server (stdlib ``http.server``) on 127.0.0.1, on a free port, in a
daemon thread. Each request takes the next queued :class:`FakeReply`, or asks
the ``handler`` when the queue is empty, so a test scripts exactly what the
endpoint does: plain and streamed answers, tool calls, 429 with
``Retry-After``, 5xx, a hang past the client's timeout (bounded: the handler
gives up by itself after ``max_hang`` seconds or when the server stops), a
dropped stream, invalid-then-valid structured output, ``finish_reason=length``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self

__all__ = ["FakeChatServer", "FakeReply", "FakeRequest"]

Kind = Literal["text", "tool", "error", "hang", "drop", "refusal"]


@dataclass(frozen=True, slots=True)
class FakeReply:
    """What the fake server does for one request; build one with the class
    methods. A ``text``, ``tool`` or ``refusal`` reply is sent as one JSON
    response, or as server-sent events when the request asked to stream."""

    kind: Kind
    content: str | None = None
    finish_reason: str = "stop"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0
    tool_name: str = "answer"

    @classmethod
    def text(cls, content: str, *, finish_reason: str = "stop") -> FakeReply:
        """Answer ``content`` with ``finish_reason`` (``"length"`` for a cut answer)."""
        return cls("text", content, finish_reason=finish_reason)

    @classmethod
    def json(cls, value: Any, *, finish_reason: str = "stop") -> FakeReply:
        """Answer ``value`` serialised as JSON text."""
        return cls("text", json.dumps(value), finish_reason=finish_reason)

    @classmethod
    def tool_call(cls, arguments: Any, *, name: str = "answer") -> FakeReply:
        """Answer with one call of tool ``name`` (``arguments``: JSON text or a value)."""
        text = arguments if isinstance(arguments, str) else json.dumps(arguments)
        return cls("tool", text, finish_reason="tool_calls", tool_name=name)

    @classmethod
    def refusal(cls, text: str) -> FakeReply:
        """Refuse, with ``text`` as the refusal."""
        return cls("refusal", text)

    @classmethod
    def error(
        cls, status: int, message: str = "fake error", *, headers: dict[str, str] | None = None
    ) -> FakeReply:
        """Fail with HTTP ``status`` and an OpenAI-style error body."""
        return cls("error", message, status=status, headers=tuple((headers or {}).items()))

    @classmethod
    def rate_limited(cls, retry_after: float) -> FakeReply:
        """HTTP 429 with ``Retry-After: retry_after`` (seconds)."""
        return cls.error(429, "rate limited", headers={"Retry-After": f"{retry_after:g}"})

    @classmethod
    def hang(cls, seconds: float = 30.0) -> FakeReply:
        """Say nothing for ``seconds`` (capped by the server's ``max_hang``, cut
        short when it stops), then close the connection."""
        return cls("hang", seconds=seconds)

    @classmethod
    def drop(cls, partial: str = "The answer star") -> FakeReply:
        """Send ``partial`` (streamed, or as a truncated body) and close the
        connection before the answer is finished."""
        return cls("drop", partial)


@dataclass(frozen=True, slots=True)
class FakeRequest:
    """One request the server received. ``authorization`` says whether an
    ``Authorization`` header came (its value is not kept)."""

    path: str
    body: dict[str, Any]
    authorization: bool
    received_at: float = field(default_factory=time.monotonic)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages sent."""
        return list(self.body.get("messages", []))

    @property
    def user_message(self) -> str:
        """The text of the last user message."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return str(message.get("content") or "")
        return ""

    @property
    def stream(self) -> bool:
        """Whether the request asked for server-sent events."""
        return bool(self.body.get("stream"))


def _words(text: str | None) -> int:
    return len((text or "").split())


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""

    def do_POST(self) -> None:
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        request = FakeRequest(self.path, body, "Authorization" in self.headers)
        reply = fake._next(request)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            reply = FakeReply.error(404, f"unknown path {self.path}")
        if reply.kind == "hang":
            fake._stopping.wait(min(reply.seconds, fake.max_hang))
            self.close_connection = True
            return
        if reply.kind == "error":
            self._json(
                reply.status, {"error": {"message": reply.content, "type": "fake"}}, reply.headers
            )
            return
        if request.stream:
            self._stream(request, reply)
            return
        if reply.kind == "drop":
            payload = json.dumps(fake._completion(request, reply)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.close_connection = True
            return
        self._json(200, fake._completion(request, reply))

    def _json(self, status: int, value: Any, headers: tuple[tuple[str, str], ...] = ()) -> None:
        payload = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value_ in headers:
            self.send_header(name, value_)
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, request: FakeRequest, reply: FakeReply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for event in self.server.fake._events(request, reply):
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.flush()
        if reply.kind != "drop":
            self.wfile.write(b"data: [DONE]\n\n")
        self.close_connection = True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 drops concurrent connects, which the client's
    # TCP stack then retries a whole second later.
    request_queue_size = 128
    fake: FakeChatServer


class FakeChatServer:
    """The fake server. Use it as a context manager (or ``start()``/``stop()``)::

        with FakeChatServer() as server:
            server.add(FakeReply.rate_limited(0.2), FakeReply.text("hello"))
            settings = {"endpoints": {"default": server.endpoint_settings()}}

    :param handler: answers requests when the queue is empty (it may inspect
        the :class:`FakeRequest`, e.g. to answer concurrent requests by content);
        without one, an empty queue answers HTTP 500 "script exhausted".
    :param model: the model name reported.
    :param max_hang: the longest a ``hang`` reply keeps its connection, seconds.
    """

    def __init__(
        self,
        handler: Callable[[FakeRequest], FakeReply] | None = None,
        *,
        model: str = "fake-model",
        max_hang: float = 10.0,
    ) -> None:
        self.handler = handler
        self.model = model
        self.max_hang = max_hang
        self.requests: list[FakeRequest] = []
        self._queue: deque[FakeReply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL to give a client: ``http://127.0.0.1:<port>/v1``."""
        if self._server is None:
            msg = "the fake server is not started: use it as a context manager or call start()"
            raise RuntimeError(msg)
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def add(self, *replies: FakeReply) -> None:
        """Queue replies, used one per request in order."""
        with self._lock:
            self._queue.extend(replies)

    def endpoint_settings(self, **overrides: Any) -> dict[str, Any]:
        """Settings of an ``[llm.endpoints.<name>]`` table pointing here (a fake
        key, the fake model, a 5 s timeout), with ``overrides`` applied."""
        return {
            "base_url": self.url,
            "api_key": "fake-key-for-tests",
            "model": self.model,
            "timeout": 5.0,
            **overrides,
        }

    def start(self) -> Self:
        """Start serving on a free port of 127.0.0.1."""
        self._stopping.clear()
        server = _HTTPServer(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        # A short poll interval: stop() waits for the serving loop to notice.
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.01,), name="fake-chat-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; hanging requests give up at once."""
        self._stopping.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- answering (in the server's threads) ------------------------------------

    def _next(self, request: FakeRequest) -> FakeReply:
        with self._lock:
            self.requests.append(request)
            if self._queue:
                return self._queue.popleft()
        if self.handler is not None:
            return self.handler(request)
        return FakeReply.error(500, "fake server: script exhausted (queue more replies)")

    def _usage(self, request: FakeRequest, reply: FakeReply) -> dict[str, int]:
        prompt = sum(_words(str(m.get("content") or "")) for m in request.messages)
        completion = _words(reply.content)
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }

    def _completion(self, request: FakeRequest, reply: FakeReply) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        if reply.kind == "tool":
            message["tool_calls"] = [
                {
                    "id": "call_fake",
                    "type": "function",
                    "function": {"name": reply.tool_name, "arguments": reply.content},
                }
            ]
        elif reply.kind == "refusal":
            message["refusal"] = reply.content
        else:
            message["content"] = reply.content
        return {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": message,
                    "finish_reason": reply.finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": self._usage(request, reply),
        }

    def _events(self, request: FakeRequest, reply: FakeReply) -> Iterator[dict[str, Any]]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {
                "id": f"chatcmpl-fake-{len(self.requests)}",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }

        yield chunk({"role": "assistant", "content": ""})
        text = reply.content or ""
        pieces = [text[i : i + 8] for i in range(0, len(text), 8)] or [""]
        if reply.kind == "tool":
            yield chunk(
                {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_fake",
                            "type": "function",
                            "function": {"name": reply.tool_name, "arguments": ""},
                        }
                    ]
                }
            )
            for piece in pieces:
                yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
        elif reply.kind == "refusal":
            yield chunk({"refusal": text})
        else:
            for piece in pieces:
                yield chunk({"content": piece})
        if reply.kind == "drop":
            return
        yield chunk({}, reply.finish_reason)
        if (request.body.get("stream_options") or {}).get("include_usage"):
            usage = chunk({})
            usage["choices"] = []
            usage["usage"] = self._usage(request, reply)
            yield usage
