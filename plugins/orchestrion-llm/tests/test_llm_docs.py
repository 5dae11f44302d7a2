"""docs/plugins/llm.md: its options tables are generated from the models.

Regenerate after changing a model with
``ORCHESTRION_UPDATE_DOCS=1 python -m pytest plugins/orchestrion-llm/tests -k docs``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from orchestrion_llm import (
    AgentOptions,
    ClassifyOptions,
    LabelIsParams,
    LlmSettings,
    OpenAIEndpointSettings,
    ScriptedAnswer,
    ScriptedEndpointSettings,
)

PAGE = Path(__file__).resolve().parents[3] / "docs" / "plugins" / "llm.md"
MODELS: dict[str, type[BaseModel]] = {
    "AgentOptions": AgentOptions,
    "ClassifyOptions": ClassifyOptions,
    "LabelIsParams": LabelIsParams,
    "LlmSettings": LlmSettings,
    "OpenAIEndpointSettings": OpenAIEndpointSettings,
    "ScriptedAnswer": ScriptedAnswer,
    "ScriptedEndpointSettings": ScriptedEndpointSettings,
}
BLOCK = re.compile(r"(<!-- options: (\w+) -->\n)(.*?)(<!-- /options -->)", re.DOTALL)


def _type(schema: dict[str, Any] | bool) -> str:
    if not isinstance(schema, dict):
        return "any"
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in schema["enum"])
    if "anyOf" in schema:
        return " \\| ".join(_type(s) for s in schema["anyOf"])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return f"table of {_type(schema['additionalProperties'])}"
    return str(schema.get("type", "any"))


def _default(model: type[BaseModel], name: str) -> str:
    field = model.model_fields[name]
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_unset=True)
    elif isinstance(value, tuple):
        value = list(value)
    return f"`{json.dumps(value)}`"


def render(model: type[BaseModel]) -> str:
    """A Markdown table of ``model``'s fields: name, type, default, description."""
    properties = model.model_json_schema()["properties"]
    rows = ["| option | type | default | description |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        text = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{key}` | {_type(properties[key])} | {_default(model, name)} | {text} |")
    return "\n".join(rows) + "\n"


def test_options_tables_match_the_models() -> None:
    """Every options block of the page is exactly what the model renders to."""
    if not PAGE.is_file():
        pytest.skip(f"{PAGE} is not part of this checkout")
    page = PAGE.read_text(encoding="utf-8")
    found = {m[2] for m in BLOCK.finditer(page)}
    assert found == set(MODELS), "the page must have one options block per model"
    fresh = BLOCK.sub(lambda m: m[1] + render(MODELS[m[2]]) + m[4], page)
    if os.environ.get("ORCHESTRION_UPDATE_DOCS") == "1" and fresh != page:
        PAGE.write_text(fresh, encoding="utf-8")
        pytest.skip(f"regenerated {PAGE.name}")
    assert fresh == page, "docs are stale: rerun with ORCHESTRION_UPDATE_DOCS=1"
