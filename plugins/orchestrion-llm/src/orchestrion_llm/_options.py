"""Options of the plugin's component types (validated per step)."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from orchestrion import BreakerPolicy

__all__ = ["AgentOptions", "ClassifyOptions", "LabelIsParams"]

# Labels are short identifiers: they end up in routing rules, never free text.
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class AgentOptions(BaseModel):
    """Options of ``llm.agent`` (and defaults of each named agent ``llm.<name>``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agent_name: str = Field(default="agent", description="Name used in messages and usage.")
    endpoint: str = Field(default="default", description="Which `[llm.endpoints.<name>]` to call.")
    model: str | None = Field(default=None, description="Model; unset: the endpoint's.")
    system_prompt: str = Field(default="", description="The system message (trusted text).")
    prompt: str = Field(
        default="{input}",
        description="User message template; '{input}' is replaced by the input "
        "(text as is, anything else as JSON). No other placeholders are expanded.",
    )
    input_field: str | None = Field(
        default=None,
        description="Take the input from this key when the data is a mapping (e.g. 'text' "
        "for chunks).",
    )
    max_input_chars: int = Field(
        default=200_000, ge=1, description="Longer input is cut to this many characters."
    )
    max_tokens: int | None = Field(default=None, ge=1, description="Longest answer, in tokens.")
    temperature: float | None = Field(default=None, ge=0, le=2, description="Sampling temperature.")
    output_model: str | None = Field(
        default=None,
        description="Import path of a pydantic model the answer must validate against "
        "('package.module:Model').",
    )
    output_schema: dict[str, Any] | None = Field(
        default=None, description="A JSON Schema (an object schema) the answer must satisfy."
    )
    max_reasks: int = Field(
        default=2,
        ge=0,
        le=5,
        description="Re-asks with the validation errors before AgentOutputError.",
    )
    stream: bool | None = Field(default=None, description="Stream the answer; unset: endpoint's.")

    @model_validator(mode="after")
    def _one_output(self) -> AgentOptions:
        if "{input}" not in self.prompt:
            msg = "prompt must contain the placeholder '{input}'"
            raise ValueError(msg)
        if self.output_model is not None and self.output_schema is not None:
            msg = "set output_model or output_schema, not both"
            raise ValueError(msg)
        if self.output_schema is not None and self.output_schema.get("type") != "object":
            msg = "output_schema must describe an object ('type': 'object')"
            raise ValueError(msg)
        return self


class ClassifyOptions(BaseModel):
    """Options of ``llm.classify``: one label of a closed set for the input."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agent: str = Field(
        default="classifier",
        description="Which `[llm.agents.<name>]` classifies (its endpoint, model, prompt); "
        "an unknown name uses the default endpoint.",
    )
    labels: tuple[str, ...] = Field(
        min_length=2, description="The closed set of labels the answer must be one of."
    )
    fallback: str = Field(
        description="The label used when the answer is invalid or the endpoint is "
        "unavailable (its breaker open); one of labels."
    )
    instructions: str = Field(
        default="", description="What each label means (trusted text, in the system message)."
    )
    input_field: str | None = Field(
        default=None, description="Classify this key of a mapping instead of the whole input."
    )
    max_input: int = Field(
        default=4000, ge=1, description="Characters of the input shown to the model."
    )
    breaker: BreakerPolicy = Field(
        default_factory=lambda: BreakerPolicy(window=20, minimum_calls=5),
        description="The classifier's own breaker over its endpoint calls: while it is "
        "open the fallback label is answered at once, without a call.",
    )

    @model_validator(mode="after")
    def _closed_set(self) -> ClassifyOptions:
        bad = [label for label in self.labels if not _LABEL.match(label)]
        if bad:
            msg = f"labels must be short identifiers (letters, digits, '_.-'): {bad}"
            raise ValueError(msg)
        if len(set(self.labels)) != len(self.labels):
            msg = "labels must be distinct"
            raise ValueError(msg)
        if self.fallback not in self.labels:
            msg = f"fallback {self.fallback!r} must be one of labels {list(self.labels)}"
            raise ValueError(msg)
        return self


class LabelIsParams(BaseModel):
    """Parameters of the condition ``llm.label_is``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(description="The label the llm.classify output must carry.")
