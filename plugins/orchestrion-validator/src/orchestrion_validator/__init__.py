"""orchestrion-validator: validation for Orchestrion.

Component types ``validator.schema`` (JSON Schema, draft 2020-12 by default,
with jsonschema-rs) and ``validator.model`` (a pydantic model named by import
path); both report every error with its JSON Pointer and fail with a
non-retryable :class:`~orchestrion.exceptions.ValidationFailed`. The plugin
modules are private: ``orchestrion_validator._plugin`` (entry point
``validator``: the components) and ``orchestrion_validator._required`` (entry
point ``validator-required``: "always validate, last").
"""

from __future__ import annotations

from ._model import ModelOptions as ModelOptions
from ._schema import SchemaOptions as SchemaOptions

__all__ = ["ModelOptions", "SchemaOptions"]
