"""validator.model: pydantic models by import path, every error with its pointer."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from validator_test_models import User  # a helper module beside this file

from orchestrion import StepContext
from orchestrion.exceptions import ValidationFailed
from orchestrion_validator import ModelOptions
from orchestrion_validator._model import ModelValidator

GOOD = {"id": 1, "name": "ada", "address": {"city": "Paris", "zip": "75001"}}


def run(options: dict[str, Any], data: Any, ctx: StepContext) -> Any:
    """Build a validator.model component from raw options and run it."""
    return ModelValidator(ModelOptions.model_validate(options)).process(data, ctx)


def test_outputs(ctx: StepContext) -> None:
    """'dump' gives JSON-compatible data, 'model' the instance, 'data' the input."""
    path = "validator_test_models:User"
    assert run({"model": path}, {**GOOD, "id": "1"}, ctx) == {**GOOD, "tags": []}
    assert isinstance(run({"model": path, "output": "model"}, GOOD, ctx), User)
    data = {**GOOD}
    assert run({"model": path, "output": "data"}, data, ctx) is data


def test_dotted_path_and_json_text_input(ctx: StepContext) -> None:
    """A dotted import path works, and text input is parsed as JSON by pydantic."""
    out = run(
        {"model": "validator_test_models.User"},
        '{"id": 2, "name": "b", "address": {"city": "X", "zip": "12345"}}',
        ctx,
    )
    assert out["id"] == 2


def test_reports_every_error_without_values(ctx: StepContext) -> None:
    """All errors are reported with pointers; no message quotes the input."""
    secret = "hunter2-hunter2-hunter2"
    bad = {"id": secret, "name": secret, "address": {"zip": secret}, "tags": [1]}
    with pytest.raises(ValidationFailed) as info:
        run({"model": "validator_test_models:User"}, bad, ctx)
    pointers = {e["pointer"] for e in info.value.errors}
    assert pointers == {"/id", "/name", "/address/city", "/address/zip", "/tags/0"}
    assert secret not in str(info.value)
    assert all(secret not in e["message"] for e in info.value.errors)


def test_strict_mode_refuses_coercion(ctx: StepContext) -> None:
    """With strict, '1' is not accepted for an int field."""
    with pytest.raises(ValidationFailed, match="/id"):
        run({"model": "validator_test_models:User", "strict": True}, {**GOOD, "id": "1"}, ctx)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("no_such_module_xyz:Model", "cannot import module"),
        ("validator_test_models:Missing", "has no attribute"),
        ("validator_test_models:NOT_A_MODEL", "not a pydantic BaseModel subclass"),
        ("Model", "not an import path"),
    ],
)
def test_bad_model_path_is_an_options_error(path: str, message: str) -> None:
    """An unimportable or non-model path fails when options are validated."""
    with pytest.raises(ValidationError, match=message):
        ModelOptions(model=path)
