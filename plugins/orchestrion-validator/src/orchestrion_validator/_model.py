"""``validator.model``: validation against a pydantic model named by import path."""

from __future__ import annotations

import importlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from orchestrion import StepContext
from orchestrion.exceptions import ValidationFailed

from ._errors import pointer_of, summary

__all__ = ["ModelOptions", "ModelValidator", "import_model"]


def import_model(path: str) -> type[BaseModel]:
    """The pydantic model at ``'package.module:Class'`` (or ``'package.module.Class'``);
    :class:`ValueError` naming what is wrong otherwise."""
    module_name, sep, attr = path.partition(":")
    if not sep:
        module_name, _, attr = path.rpartition(".")
    if not module_name or not attr:
        msg = f"model {path!r} is not an import path like 'package.module:Model'"
        raise ValueError(msg)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        msg = f"cannot import module {module_name!r} for model {path!r}: {exc}"
        raise ValueError(msg) from None
    target: Any = module
    for part in attr.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            msg = f"module {module_name!r} has no attribute {attr!r}"
            raise ValueError(msg) from None
    if not (isinstance(target, type) and issubclass(target, BaseModel)):
        msg = f"{path!r} is a {type(target).__name__}, not a pydantic BaseModel subclass"
        raise ValueError(msg)  # noqa: TRY004 - pydantic reports ValueErrors as options errors
    return target


class ModelOptions(BaseModel):
    """Options of ``validator.model``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(
        description="Import path of a pydantic BaseModel subclass, 'package.module:Model'; "
        "imported when the options are validated."
    )
    strict: bool = Field(
        default=False,
        description="Validate in pydantic's strict mode (no coercion such as '1' to 1).",
    )
    output: Literal["dump", "model", "data"] = Field(
        default="dump",
        description="'dump': the validated model as JSON-compatible data; 'model': the model "
        "instance; 'data': the input unchanged.",
    )

    @field_validator("model")
    @classmethod
    def _importable(cls, value: str) -> str:
        import_model(value)
        return value


class ModelValidator:
    """The ``validator.model`` component. Text or bytes input is parsed as JSON by
    pydantic itself; anything else is validated as Python data."""

    def __init__(self, options: ModelOptions) -> None:
        self.options = options
        self.model = import_model(options.model)

    def process(self, data: Any, ctx: StepContext) -> Any:
        """The validated data (see ``output``); ValidationFailed with every error if invalid."""
        try:
            if isinstance(data, str | bytes | bytearray):
                instance = self.model.model_validate_json(data, strict=self.options.strict)
            else:
                instance = self.model.model_validate(data, strict=self.options.strict)
        except ValidationError as exc:
            # include_input=False: pydantic's messages then never quote the data.
            errors = [
                {
                    "pointer": pointer_of(item["loc"]),
                    "message": item["msg"],
                    "keyword": item["type"],
                }
                for item in exc.errors(include_url=False, include_input=False)
            ]
            raise ValidationFailed(
                summary(f"validator.model ({self.model.__name__})", errors, False), errors=errors
            ) from None
        if self.options.output == "model":
            return instance
        if self.options.output == "dump":
            return instance.model_dump(mode="json")
        return data
