"""validator.schema: every error with its pointer, schema sources and load-time errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from orchestrion import StepContext
from orchestrion.exceptions import PermanentError, ValidationFailed
from orchestrion_validator import SchemaOptions
from orchestrion_validator._schema import SchemaValidator

USER = {
    "type": "object",
    "required": ["id", "name", "email"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "name": {"type": "string", "maxLength": 8},
        "email": {"type": "string", "format": "email"},
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "a/b": {"const": 1},
    },
    "additionalProperties": False,
}


def validate(options: dict[str, Any], data: Any, ctx: StepContext) -> Any:
    """Build a validator.schema component from raw options and run it on ``data``."""
    return SchemaValidator(SchemaOptions.model_validate(options)).process(data, ctx)


def failure(options: dict[str, Any], data: Any, ctx: StepContext) -> ValidationFailed:
    """The ValidationFailed raised for ``data``."""
    with pytest.raises(ValidationFailed) as info:
        validate(options, data, ctx)
    return info.value


def test_valid_data_passes_through_unchanged(ctx: StepContext) -> None:
    """A conforming document is returned as is (the same object)."""
    doc = {"id": 1, "name": "ada", "email": "a@b.c", "tags": ["x"]}
    assert validate({"inline": USER}, doc, ctx) is doc


def test_reports_every_error_with_its_pointer(ctx: StepContext) -> None:
    """All problems are reported, each with the JSON Pointer of the offending value."""
    doc = {"id": 0, "name": "much too long", "tags": ["a", "a", 3], "a/b": 2, "extra": True}
    error = failure({"inline": USER}, doc, ctx)
    found = {(e["pointer"], e["keyword"]) for e in error.errors}
    assert found == {
        ("", "required"),
        ("/id", "minimum"),
        ("/name", "maxLength"),
        ("/tags", "uniqueItems"),
        ("/tags/2", "type"),
        ("/a~1b", "const"),
        ("", "additionalProperties"),
    }
    assert all(set(e) == {"pointer", "message", "keyword", "schema_pointer"} for e in error.errors)
    assert "7 validation errors" in str(error)


def test_messages_name_the_rule_not_the_value(ctx: StepContext) -> None:
    """Messages state the violated rule and never quote the instance's values."""
    secret = "sk-live-0123456789abcdef"
    doc = {"id": secret, "name": secret, "email": secret, "tags": [secret, secret]}
    error = failure({"inline": USER}, doc, ctx)
    assert secret not in str(error)
    assert all(secret not in json.dumps(e) for e in error.errors)
    messages = {e["pointer"]: e["message"] for e in error.errors if e["pointer"]}
    assert messages["/id"] == "expected type integer"
    assert messages["/name"] == "longer than 8 characters"


def test_failure_is_permanent(ctx: StepContext) -> None:
    """ValidationFailed is a PermanentError, so it is never retried."""
    with pytest.raises(PermanentError):
        validate({"inline": {"type": "string"}}, 1, ctx)


def test_max_errors_caps_the_report(ctx: StepContext) -> None:
    """With max_errors the report stops early and says it was cut."""
    error = failure({"inline": {"items": {"type": "string"}}, "max_errors": 2}, [1, 2, 3, 4], ctx)
    assert len(error.errors) == 2
    assert "2+ validation errors" in str(error)


def test_default_schema_accepts_any_json_value(ctx: StepContext) -> None:
    """With no schema every JSON value passes."""
    values: list[Any] = [{"a": [1, None, "x"]}, [], "text", 1.5, None]
    for value in values:
        assert validate({}, value, ctx) == value


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_refuses_non_finite_numbers(ctx: StepContext, bad: float) -> None:
    """NaN and infinities are refused at their pointer even where null is allowed."""
    schema = {"items": {"type": ["number", "null"]}}
    error = failure({"inline": schema}, [1.0, None, {"x": bad}], ctx)
    assert error.errors[0]["pointer"] == "/2/x"
    assert validate({"inline": schema, "check_values": False}, [None], ctx) == [None]


@pytest.mark.parametrize(
    ("bad", "pointer", "problem"),
    [
        ({1: "a"}, "", "object key of type int (JSON keys are strings)"),
        ({"s": {1, 2}}, "/s", "not a JSON value: set"),
        ([0, b"raw"], "/1", "not a JSON value: bytes"),
        ({"when": datetime.now(UTC)}, "/when", "not a JSON value: datetime"),
    ],
)
@pytest.mark.parametrize("schema", [True, {"type": "object"}])
def test_refuses_values_json_has_no_type_for(
    ctx: StepContext, schema: Any, bad: Any, pointer: str, problem: str
) -> None:
    """Non-string keys, sets, bytes and datetimes fail at their pointer, not crash."""
    error = failure({"inline": schema}, bad, ctx)
    assert (error.errors[0]["pointer"], error.errors[0]["message"]) == (pointer, problem)


def test_big_integers_are_json_values(ctx: StepContext) -> None:
    """Integers beyond 64 bits are valid JSON numbers and pass the value check."""
    assert validate({"inline": {"type": "integer"}}, 2**70, ctx) == 2**70


def test_text_input_gets_a_hint(ctx: StepContext) -> None:
    """Validating unparsed text against an object schema suggests json.parse."""
    error = failure({"inline": {"type": "object"}}, '{"a": 1}', ctx)
    assert "put json.parse before validator.schema" in str(error)


def test_format_is_an_annotation_unless_asserted(ctx: StepContext) -> None:
    """'format' is checked only with format_assertion, as draft 2020-12 specifies."""
    schema = {"type": "string", "format": "email"}
    assert validate({"inline": schema}, "nope", ctx) == "nope"
    error = failure({"inline": schema, "format_assertion": True}, "nope", ctx)
    assert error.errors[0]["keyword"] == "format"


def test_schema_keyword_selects_the_draft(ctx: StepContext) -> None:
    """A $schema naming draft 7 is validated with draft 7 rules."""
    draft7 = {"$schema": "http://json-schema.org/draft-07/schema#", "items": [{"type": "string"}]}
    with pytest.raises(ValidationFailed):
        validate({"inline": draft7}, [1], ctx)


def test_schema_from_a_file_with_relative_refs(tmp_path: Path, ctx: StepContext) -> None:
    """A schema given by path resolves $refs to files beside it."""
    (tmp_path / "defs.json").write_text(json.dumps({"$defs": {"pos": {"minimum": 1}}}))
    (tmp_path / "main.json").write_text(
        json.dumps({"properties": {"n": {"$ref": "defs.json#/$defs/pos"}}})
    )
    options = {"path": str(tmp_path / "main.json")}
    assert validate(options, {"n": 2}, ctx) == {"n": 2}
    assert failure(options, {"n": 0}, ctx).errors[0]["pointer"] == "/n"


def test_schema_by_url_of_a_registered_resource(tmp_path: Path, ctx: StepContext) -> None:
    """A schema URL mapped to a local folder is read from disk, and so are its $refs."""
    (tmp_path / "item.json").write_text(json.dumps({"type": "string"}))
    (tmp_path / "list.json").write_text(json.dumps({"items": {"$ref": "item.json"}}))
    options = {
        "url": "https://schemas.example.com/v1/list.json",
        "resources": {"https://schemas.example.com/v1/": str(tmp_path)},
    }
    assert validate(options, ["a"], ctx) == ["a"]
    assert failure(options, ["a", 2], ctx).errors[0]["pointer"] == "/1"


def test_exact_url_resource(tmp_path: Path, ctx: StepContext) -> None:
    """An exact URL can be mapped to one file and referenced from an inline schema."""
    (tmp_path / "pos.json").write_text(json.dumps({"minimum": 0}))
    options = {
        "inline": {"$ref": "https://example.com/pos.json"},
        "resources": {"https://example.com/pos.json": str(tmp_path / "pos.json")},
    }
    assert failure(options, -1, ctx).errors[0]["keyword"] == "minimum"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"inline": {"type": "foo"}}, "invalid JSON Schema at /type"),
        ({"inline": {"pattern": "(("}}, "invalid JSON Schema at /pattern"),
        ({"inline": {"$ref": "#/$defs/missing"}}, "does not exist"),
        ({"inline": {"$ref": "https://example.com/x.json"}}, "not a registered local resource"),
        ({"path": "/no/such/schema.json"}, "cannot read schema file"),
        ({"url": "https://example.com/x.json"}, "not registered in resources"),
        ({"inline": True, "url": "https://e.com/x"}, "at most one of inline, path and url"),
        ({"inline": {}, "schema": {}}, "Extra inputs are not permitted"),
    ],
)
def test_bad_schema_is_an_options_error(options: dict[str, Any], message: str) -> None:
    """A bad schema or source fails when options are validated, i.e. when a workflow loads."""
    with pytest.raises(ValidationError, match=message):
        SchemaOptions.model_validate(options)


def test_refs_cannot_escape_a_registered_folder(tmp_path: Path) -> None:
    """A $ref climbing out of a registered folder is refused."""
    (tmp_path / "inner").mkdir()
    (tmp_path / "secret.json").write_text("{}")
    options = {
        "inline": {"$ref": "https://e.com/s/../secret.json"},
        "resources": {"https://e.com/s/": str(tmp_path / "inner")},
    }
    with pytest.raises(ValidationError):
        SchemaOptions.model_validate(options)


def test_bad_schema_file_is_an_options_error(tmp_path: Path) -> None:
    """A schema file that is not strict JSON is reported with its name."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"minimum": NaN}')
    with pytest.raises(ValidationError, match="is not valid JSON"):
        SchemaOptions(path=bad)
