"""The ``validator`` plugin: the ``validator.schema`` and ``validator.model`` types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orchestrion import ComponentType, hookimpl

from ._model import ModelOptions, ModelValidator
from ._schema import SchemaOptions, SchemaValidator

#: Component types whose output is validated: validation is ordered after all
#: of them. A third-party producer says the same with before=("validator.schema",).
PRODUCERS: tuple[str, ...] = (
    "chunking.split",
    "json.lines",
    "json.parse",
    "json.select",
    "numeric.extract",
    "numeric.stats",
)
#: Serialisation comes after validation: it turns the validated value into text.
CONSUMERS: tuple[str, ...] = ("json.dump",)


@hookimpl
def register_components(register: Callable[[ComponentType[Any]], None]) -> None:
    """Register ``validator.schema`` and ``validator.model``."""
    register(
        ComponentType(
            name="validator.schema",
            factory=SchemaValidator,
            options=SchemaOptions,
            description="Validate against a JSON Schema (draft 2020-12 by default; inline, file "
            "or registered URL); every error reported with its JSON Pointer.",
            capabilities=frozenset({"validation", "validation.json_schema"}),
            after=PRODUCERS,
            before=CONSUMERS,
        )
    )
    register(
        ComponentType(
            name="validator.model",
            factory=ModelValidator,
            options=ModelOptions,
            description="Validate against a pydantic model named by import path; every error "
            "reported with its JSON Pointer.",
            capabilities=frozenset({"validation", "validation.model"}),
            after=PRODUCERS,
            before=CONSUMERS,
        )
    )
