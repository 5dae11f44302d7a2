"""Structured output: the strict schema sent to the model, how it is asked for
(``json_schema`` response format, a forced tool call, or the prompt), and how
the answer is parsed and validated."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from orchestrion.exceptions import ConfigError

from ._endpoint import ChatReply

__all__ = ["Invalid", "OutputSpec", "import_model", "output_spec", "strict_schema"]

_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n(.*)\n```\s*$", re.DOTALL)
_NAME = re.compile(r"[^a-zA-Z0-9_-]")


class Invalid(Exception):
    """An answer that did not parse or validate; ``errors`` say why, one
    ``"path: message"`` each (never the offending input values)."""

    def __init__(self, errors: tuple[str, ...]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


def import_model(path: str) -> type[BaseModel]:
    """The pydantic model at ``path`` (``package.module:Model`` or
    ``package.module.Model``).

    :raises ConfigError: when it cannot be imported or is not a model.
    """
    module_name, _, attr = path.partition(":") if ":" in path else path.rpartition(".")
    try:
        found: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError, ValueError) as exc:
        msg = f"cannot import {path!r}: {exc}; give it as 'package.module:Model'"
        raise ConfigError(msg, key="output_model") from None
    if not (isinstance(found, type) and issubclass(found, BaseModel)):
        msg = f"{path!r} is not a pydantic model (got {type(found).__name__})"
        raise ConfigError(msg, key="output_model")
    return found


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` in the strict form structured-output endpoints
    want: every object closed (``additionalProperties: false``) with every
    property required, and no ``default`` keywords. Optional fields stay
    nullable; pydantic still applies the real defaults when validating."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(x) for x in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items() if k != "default"}
        if out.get("type") == "object" or "properties" in out:
            props = out.get("properties", {})
            out["additionalProperties"] = False
            out["required"] = list(props)
        return out

    result: dict[str, Any] = walk(schema)
    return result


@dataclass(frozen=True, slots=True)
class OutputSpec:
    """What the answer must be: a schema ``name``, the strict ``schema`` shown to
    the model and ``validate`` (parsed JSON in, output value out, or
    :class:`Invalid`)."""

    name: str
    schema: dict[str, Any]
    validate: Callable[[Any], Any]

    def parse(self, text: str | None) -> Any:
        """Parse and validate an answer's text.

        :raises Invalid: when it is not JSON or does not validate.
        """
        if text is None or not text.strip():
            raise Invalid(("answer: empty, expected a JSON object",))
        text = text.strip()
        fenced = _FENCE.match(text)
        if fenced:
            text = fenced.group(1)
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            msg = f"answer: not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
            raise Invalid((msg,)) from None
        return self.validate(value)

    def request(self, mode: str) -> dict[str, Any]:
        """The request fields asking for this output in ``mode``."""
        if mode == "json_schema":
            return {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": self.name, "schema": self.schema, "strict": True},
                }
            }
        if mode == "tool":
            function = {"name": self.name, "parameters": self.schema, "strict": True}
            return {
                "tools": ({"type": "function", "function": function},),
                "tool_choice": {"type": "function", "function": {"name": self.name}},
            }
        return {}

    def instructions(self) -> str:
        """The system-prompt addition of the ``prompt`` mode."""
        return (
            "Reply with only one JSON object, no prose and no code fence, that "
            f"validates against this JSON Schema:\n{json.dumps(self.schema)}"
        )

    def answer_text(self, reply: ChatReply, mode: str) -> str | None:
        """Where the JSON is in ``reply`` for ``mode``."""
        if mode == "tool":
            return reply.tool_arguments if reply.tool_arguments is not None else reply.content
        return reply.content


def _pydantic_validator(model: type[BaseModel]) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        try:
            return model.model_validate(value).model_dump(mode="json")
        except ValidationError as exc:
            errors = tuple(
                f"{'.'.join(map(str, e['loc'])) or 'answer'}: {e['msg']}"
                for e in exc.errors(include_input=False, include_url=False)
            )
            raise Invalid(errors) from None

    return validate


def _schema_validator(schema: dict[str, Any]) -> Callable[[Any], Any]:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        msg = f"not a valid JSON Schema: {exc.message}"
        raise ConfigError(msg, key="output_schema") from None
    validator = Draft202012Validator(schema)

    def validate(value: Any) -> Any:
        problems = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
        if problems:
            raise Invalid(
                tuple(
                    f"{'.'.join(map(str, e.path)) or 'answer'}: {e.message}" for e in problems[:10]
                )
            )
        return value

    return validate


def output_spec(
    agent: str, output_model: str | None, output_schema: dict[str, Any] | None
) -> OutputSpec | None:
    """The output an agent's options ask for, or ``None`` for plain text.

    :raises ConfigError: for a model that cannot be imported or a bad schema.
    """
    name = _NAME.sub("_", agent)[:64] or "answer"
    if output_model is not None:
        model = import_model(output_model)
        schema = strict_schema(model.model_json_schema())
        return OutputSpec(name, schema, _pydantic_validator(model))
    if output_schema is not None:
        validate = _schema_validator(output_schema)
        return OutputSpec(name, strict_schema(output_schema), validate)
    return None
