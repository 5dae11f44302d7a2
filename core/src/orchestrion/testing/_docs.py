"""Options tables in Markdown docs pages, generated from pydantic models.

A docs page marks where a model's table goes::

    <!-- options: SplitOptions -->
    | option | type | default | description |
    ...
    <!-- /options -->

:func:`check_options_tables` (for a plugin's test suite) fails when a block
is stale or missing, and rewrites the page when ``ORCHESTRION_UPDATE_DOCS=1``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel

__all__ = ["check_options_tables", "options_table"]

#: A generated block: its opening marker (naming the model), body and closing marker.
_BLOCK = re.compile(r"(<!-- options: (\w+) -->\n)(.*?)(<!-- /options -->)", re.DOTALL)

#: Set to ``1`` to regenerate stale pages instead of failing.
UPDATE_ENV = "ORCHESTRION_UPDATE_DOCS"


def _type(schema: dict[str, Any] | bool, *, tables: bool = True) -> str:
    """The Markdown type of one JSON-schema property."""
    if not isinstance(schema, dict):
        return "any"
    if "const" in schema:
        return f"`{json.dumps(schema['const'])}`"
    if "enum" in schema:
        return " \\| ".join(f"`{json.dumps(v)}`" for v in schema["enum"])
    if "anyOf" in schema:
        return " \\| ".join(_type(s, tables=tables) for s in schema["anyOf"])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}), tables=tables)}"
    if tables and schema.get("type") == "object" and "additionalProperties" in schema:
        return f"table of {_type(schema['additionalProperties'], tables=tables)}"
    return str(schema.get("type", "any"))


def _default(model: type[BaseModel], name: str) -> str:
    """The Markdown default of one field (``required`` when it has none)."""
    field = model.model_fields[name]
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    # JSON shows what a user writes in the TOML table: models as tables, tuples as lists.
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_unset=True)
    elif isinstance(value, tuple):
        value = list(value)
    return f"`{json.dumps(value)}`"


def options_table(model: type[BaseModel], *, tables: bool = True) -> str:
    """A Markdown table of ``model``'s fields (by alias, when one is set): option,
    type, default and description, one row per field in declaration order.

    A mapping field's type reads ``table of <value type>``; with
    ``tables=False`` it reads plain ``object``.
    """
    properties = model.model_json_schema()["properties"]
    rows = ["| option | type | default | description |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        text = (field.description or "").replace("|", "\\|")
        kind = _type(properties[key], tables=tables)
        rows.append(f"| `{key}` | {kind} | {_default(model, name)} | {text} |")
    return "\n".join(rows) + "\n"


def check_options_tables(
    page: Path, models: Mapping[str, type[BaseModel]], *, tables: bool = True
) -> None:
    """Check that ``page`` has exactly one options block per entry of ``models``
    (keyed by the name in the block's marker) and that each is what
    :func:`options_table` renders for its model (``tables`` is passed on).

    Skips the test when ``page`` is absent (an installed plugin tested outside
    its repository). With ``ORCHESTRION_UPDATE_DOCS=1`` a stale page is
    rewritten and the test skipped.

    :raises AssertionError: naming the page, for a missing, extra or stale block.
    """
    import pytest  # only a test needs it; orchestrion.testing must import without it

    if not page.is_file():
        pytest.skip(f"{page} is not part of this checkout")
    text = page.read_text(encoding="utf-8")
    found = {m[2] for m in _BLOCK.finditer(text)}
    if found != set(models):
        missing = sorted(set(models) - found)
        extra = sorted(found - set(models))
        msg = f"{page.name}: needs one options block per model (missing {missing}, unknown {extra})"
        raise AssertionError(msg)
    fresh = _BLOCK.sub(lambda m: m[1] + options_table(models[m[2]], tables=tables) + m[4], text)
    if fresh == text:
        return
    if os.environ.get(UPDATE_ENV) == "1":
        page.write_text(fresh, encoding="utf-8")
        pytest.skip(f"regenerated {page.name}")
    msg = f"{page.name}: options tables are stale; rerun the test with {UPDATE_ENV}=1"
    raise AssertionError(msg)
