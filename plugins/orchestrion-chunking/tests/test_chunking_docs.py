"""docs/plugins/chunking.md: its options tables are generated from the models.

Regenerate after changing a model with
``ORCHESTRION_UPDATE_DOCS=1 python -m pytest plugins/orchestrion-chunking/tests -k docs``.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from orchestrion_chunking import ChunkingSettings, SplitOptions, TooLongParams

PAGE = Path(__file__).resolve().parents[3] / "docs" / "plugins" / "chunking.md"
MODELS: dict[str, type[BaseModel]] = {
    "ChunkingSettings": ChunkingSettings,
    "SplitOptions": SplitOptions,
    "TooLongParams": TooLongParams,
}
BLOCK = re.compile(r"(<!-- options: (\w+) -->\n)(.*?)(<!-- /options -->)", re.DOTALL)


def _type(schema: dict[str, Any]) -> str:
    if "enum" in schema:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in schema["enum"])
    if "anyOf" in schema:
        return " \\| ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    return str(schema.get("type", "any"))


def render(model: type[BaseModel]) -> str:
    """A Markdown table of ``model``'s fields: name, type, default, description."""
    properties = model.model_json_schema()["properties"]
    rows = ["| option | type | default | description |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        default = "required" if field.is_required() else f"`{json.dumps(field.default)}`"
        text = (field.description or "").replace("|", "\\|")
        rows.append(f"| `{name}` | {_type(properties[name])} | {default} | {text} |")
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
