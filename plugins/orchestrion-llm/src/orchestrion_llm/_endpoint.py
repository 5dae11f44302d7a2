"""The adapter contract between agents and endpoints: one chat request in,
one finished reply out. Agents know nothing of HTTP; adapters know nothing of
prompts or validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = ["ChatEndpoint", "ChatReply", "ChatRequest", "Usage"]


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One Chat Completions request, provider-neutral."""

    messages: tuple[dict[str, Any], ...]
    model: str | None = None
    max_tokens: int | None = None
    temperature: float | None = None
    response_format: dict[str, Any] | None = None
    tools: tuple[dict[str, Any], ...] = ()
    tool_choice: dict[str, Any] | None = None
    stream: bool | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens one call used, as the endpoint reported them (0 when it did not)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


@dataclass(frozen=True, slots=True)
class ChatReply:
    """A finished answer. ``content`` is the text, ``tool_arguments`` the JSON
    arguments of the first tool call (forced-tool structured output),
    ``refusal`` the model's refusal when it declined; ``latency`` is seconds on a
    monotonic clock."""

    content: str | None
    finish_reason: str | None
    model: str
    usage: Usage = field(default_factory=Usage)
    latency: float = 0.0
    tool_arguments: str | None = None
    refusal: str | None = None


@runtime_checkable
class ChatEndpoint(Protocol):
    """What an agent calls. ``complete`` raises :class:`orchestrion.TransientError`
    for failures worth retrying and :class:`~orchestrion_llm.EndpointError` for
    the others; it never retries by itself (the step's policy does)."""

    name: str

    async def complete(self, request: ChatRequest) -> ChatReply:
        """Send ``request`` and return the finished reply."""
        ...

    async def aclose(self) -> None:
        """Release connections; the endpoint may be used again afterwards."""
        ...
