"""The ``[llm]`` configuration table: endpoints and named agents.

::

    [llm.endpoints.default]            # OpenAI-compatible Chat Completions
    base_url = "http://localhost:11434/v1"
    model = "llama3.2"
    api_key_env = "OLLAMA_API_KEY"      # the key itself stays in the environment

    [llm.endpoints.offline]
    provider = "scripted"
    script = "answers.jsonl"

    [llm.agents.summarise]             # registers component type llm.summarise
    system_prompt = "Summarise the text in one sentence."
    capabilities = ["text.summary"]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from ._options import AgentOptions

__all__ = [
    "AgentSettings",
    "EndpointSettings",
    "LlmSettings",
    "OpenAIEndpointSettings",
    "ScriptedAnswer",
    "ScriptedEndpointSettings",
]

StructuredMode = Literal["json_schema", "tool", "prompt"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OpenAIEndpointSettings(_Strict):
    """An OpenAI-compatible Chat Completions endpoint (OpenAI, Azure OpenAI's
    v1 API, Ollama, vLLM, llama.cpp server, LM Studio, LiteLLM proxy)."""

    provider: Literal["openai"] = Field(
        default="openai", description="The protocol: OpenAI-compatible Chat Completions."
    )
    base_url: str | None = Field(
        default=None,
        description="The API root, e.g. 'http://localhost:11434/v1'; unset: api.openai.com.",
    )
    api_key: SecretStr | None = Field(
        default=None,
        description="The key itself; prefer api_key_env so it never sits in a file.",
    )
    api_key_env: str = Field(
        default="OPENAI_API_KEY",
        description="Environment variable holding the key (read at the first call).",
    )
    model: str | None = Field(default=None, description="Default model of this endpoint.")
    timeout: float = Field(
        default=60.0, gt=0, description="Seconds one HTTP request may take before it fails."
    )
    structured_mode: StructuredMode = Field(
        default="json_schema",
        description="How structured output is asked for: a json_schema response format, "
        "a forced tool call, or instructions in the prompt (for servers with neither).",
    )
    stream: bool = Field(
        default=False, description="Stream answers (server-sent events) by default."
    )


class ScriptedAnswer(_Strict):
    """One answer of a scripted endpoint. With ``match`` it answers every request
    whose last user message contains that text; without, answers are used once
    each, in order, by requests no ``match`` answers."""

    match: str | None = Field(default=None, description="Text the user message must contain.")
    content: str | None = Field(default=None, description="The answer's text.")
    json_: Any = Field(
        default=None,
        alias="json",
        description="A JSON value answered as text (or as tool arguments).",
    )
    finish_reason: str = Field(default="stop", description="The finish reason reported.")
    refusal: str | None = Field(default=None, description="Answer with this refusal instead.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_answer(self) -> ScriptedAnswer:
        given = [x for x in (self.content, self.json_, self.refusal) if x is not None]
        if len(given) != 1:
            msg = "give exactly one of content, json or refusal"
            raise ValueError(msg)
        return self


class ScriptedEndpointSettings(_Strict):
    """An offline endpoint answering from a mapping or a JSON Lines script, for
    demos and tests; it never opens a connection."""

    provider: Literal["scripted"] = Field(description="Answers from a script, offline.")
    responses: dict[str, str] = Field(
        default_factory=dict,
        description="Answer (value) for a user message containing the text (key).",
    )
    script: str | None = Field(
        default=None,
        description="A JSON Lines file of answers ({match?, content | json | refusal, "
        "finish_reason?}), relative to the working directory.",
    )
    answers: tuple[ScriptedAnswer, ...] = Field(
        default=(), description="Answers given inline, as in a script."
    )
    default: str | None = Field(
        default=None, description="Answer when nothing else applies; unset: an error."
    )
    model: str = Field(default="scripted", description="The model name reported.")


EndpointSettings = Annotated[
    OpenAIEndpointSettings | ScriptedEndpointSettings, Field(discriminator="provider")
]


class AgentSettings(AgentOptions):
    """A named agent, ``[llm.agents.<name>]``: the options of ``llm.agent`` used
    as defaults of its own component type ``llm.<name>``, plus what routing
    needs to know about it."""

    capabilities: tuple[str, ...] = Field(
        default=(), description="Capabilities the agent provides, e.g. 'text.summary'."
    )
    description: str = Field(default="", description="What the agent does, for listings.")


def _default_provider(value: Any) -> Any:
    if isinstance(value, Mapping) and "provider" not in value:
        return {**value, "provider": "openai"}
    return value


class LlmSettings(_Strict):
    """The whole ``[llm]`` table."""

    endpoints: dict[str, EndpointSettings] = Field(
        default_factory=dict,
        description="Endpoints by name, each OpenAI-compatible (provider 'openai', the "
        "default) or scripted (provider 'scripted'); agents use 'default' unless they "
        "name another.",
    )
    agents: dict[str, AgentSettings] = Field(
        default_factory=dict, description="Named agents, each its own component type llm.<name>."
    )

    @model_validator(mode="before")
    @classmethod
    def _providers(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("endpoints"), Mapping):
            endpoints = {k: _default_provider(v) for k, v in data["endpoints"].items()}
            return {**data, "endpoints": endpoints}
        return data

    def endpoint(self, name: str) -> OpenAIEndpointSettings | ScriptedEndpointSettings:
        """The endpoint called ``name``; ``default`` falls back to an OpenAI
        endpoint configured from the environment."""
        found = self.endpoints.get(name)
        if found is not None:
            return found
        if name == "default":
            return OpenAIEndpointSettings()
        known = ", ".join(sorted(self.endpoints)) or "none"
        msg = f"no endpoint {name!r} in [llm.endpoints] (configured: {known})"
        raise KeyError(msg)
