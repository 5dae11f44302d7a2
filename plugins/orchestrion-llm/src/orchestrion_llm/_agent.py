"""The agent component: input → chat request → (validated) answer.

Transport failures propagate as the endpoint raised them (the step's policy
retries transient ones); an answer that fails validation is re-asked with the
errors, up to ``max_reasks`` times, which is a separate budget from transport
retries; then :class:`AgentOutputError`, which is never retried.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from typing import Any

from orchestrion import StepContext
from orchestrion.exceptions import PermanentError

from ._endpoint import ChatEndpoint, ChatReply, ChatRequest
from ._errors import AgentOutputError
from ._options import AgentOptions
from ._structured import Invalid, OutputSpec, output_spec

__all__ = ["Agent", "record_usage", "render_input"]

log = logging.getLogger("orchestrion_llm.agent")


def render_input(data: Any, field: str | None, limit: int) -> str:
    """The input as text: ``data[field]`` when a field is named, text as is,
    bytes decoded, anything else as JSON; cut to ``limit`` characters."""
    if field is not None:
        if not isinstance(data, Mapping) or field not in data:
            msg = f"input_field {field!r}: the input is a {type(data).__name__} without that key"
            raise PermanentError(msg)
        data = data[field]
    if isinstance(data, str):
        text = data
    elif isinstance(data, bytes | bytearray):
        text = bytes(data).decode("utf-8", "replace")
    else:
        text = json.dumps(data, ensure_ascii=False, default=str)
    return text[:limit]


def record_usage(ctx: StepContext, agent: str, endpoint: str, reply: ChatReply) -> None:
    """Add one call's tokens and latency to ``ctx.extra["usage"]``, which the
    engine records on the step result."""
    usage = ctx.extra.setdefault(
        "usage",
        {
            "agent": agent,
            "endpoint": endpoint,
            "model": reply.model,
            "calls": 0,
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "total_tokens": 0,
            "latency": 0.0,
        },
    )
    usage["calls"] += 1
    usage["prompt_tokens"] += reply.usage.prompt_tokens
    usage["completion_tokens"] += reply.usage.completion_tokens
    usage["total_tokens"] += reply.usage.total_tokens
    usage["latency"] += reply.latency


def check_finish(agent: str, reply: ChatReply, max_tokens: int | None) -> None:
    """Raise :class:`AgentOutputError` for an answer that did not finish well."""
    if reply.refusal:
        msg = f"agent {agent!r}: the model refused: {reply.refusal[:200]}"
        raise AgentOutputError(msg, agent=agent)
    if reply.finish_reason == "length":
        msg = (
            f"agent {agent!r}: the answer was cut at max_tokens={max_tokens} "
            "(finish_reason 'length'); raise max_tokens or shorten the input"
        )
        raise AgentOutputError(msg, agent=agent)
    if reply.finish_reason == "content_filter":
        msg = f"agent {agent!r}: the endpoint's content filter withheld the answer"
        raise AgentOutputError(msg, agent=agent)
    if reply.finish_reason is None:
        msg = f"agent {agent!r}: the endpoint returned no answer (no finish reason)"
        raise AgentOutputError(msg, agent=agent)


class Agent:
    """An LLM-backed component. ``mode`` is the endpoint's structured mode."""

    def __init__(self, options: AgentOptions, endpoint: ChatEndpoint, mode: str) -> None:
        self.options = options
        self.endpoint = endpoint
        self.mode = mode
        self.spec: OutputSpec | None = output_spec(
            options.agent_name, options.output_model, options.output_schema
        )

    def __repr__(self) -> str:
        return f"Agent({self.options.agent_name!r}, endpoint={self.endpoint.name!r})"

    def _first_messages(self, text: str) -> list[dict[str, Any]]:
        system = self.options.system_prompt
        if self.spec is not None and self.mode == "prompt":
            system = f"{system}\n\n{self.spec.instructions()}".strip()
        messages: list[dict[str, Any]] = []
        if system:
            messages.append({"role": "system", "content": system})
        messages.append({"role": "user", "content": self.options.prompt.replace("{input}", text)})
        return messages

    def _request(self, messages: list[dict[str, Any]]) -> ChatRequest:
        extra = self.spec.request(self.mode) if self.spec is not None else {}
        return ChatRequest(
            messages=tuple(messages),
            model=self.options.model,
            max_tokens=self.options.max_tokens,
            temperature=self.options.temperature,
            stream=self.options.stream,
            **extra,
        )

    async def ask(self, text: str, ctx: StepContext) -> Any:
        """Ask about ``text`` (already rendered) and return the answer."""
        name = self.options.agent_name
        messages = self._first_messages(text)
        log.debug(
            "agent %s (%s): %d characters in, sha256 %s",
            name,
            ctx.idempotency_key,
            len(text),
            hashlib.sha256(text.encode()).hexdigest()[:12],
        )
        errors: tuple[str, ...] = ()
        for round_ in range(self.options.max_reasks + 1):
            reply = await self.endpoint.complete(self._request(messages))
            record_usage(ctx, name, self.endpoint.name, reply)
            check_finish(name, reply, self.options.max_tokens)
            if self.spec is None:
                return reply.content or ""
            answer = self.spec.answer_text(reply, self.mode)
            try:
                return self.spec.parse(answer)
            except Invalid as exc:
                errors = exc.errors
                log.debug("agent %s: answer %d invalid: %s", name, round_ + 1, exc)
            messages += [
                {"role": "assistant", "content": answer or ""},
                {
                    "role": "user",
                    "content": "That answer is invalid: "
                    + "; ".join(errors)
                    + ". Reply again with only the corrected JSON object.",
                },
            ]
        msg = (
            f"agent {name!r}: the answer still did not validate after "
            f"{self.options.max_reasks} re-asks: {'; '.join(errors)[:500]}"
        )
        raise AgentOutputError(msg, agent=name, errors=errors)

    async def process(self, data: Any, ctx: StepContext) -> Any:
        """Answer ``data``: text, or the validated JSON value of the output model
        or schema."""
        opts = self.options
        return await self.ask(render_input(data, opts.input_field, opts.max_input_chars), ctx)

    async def aclose(self) -> None:
        """Close the endpoint's connections (they reopen on the next call)."""
        await self.endpoint.aclose()
