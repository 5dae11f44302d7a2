"""``validator.schema``: JSON Schema validation (draft 2020-12 by default) with
jsonschema-rs, reporting every error with its JSON Pointer."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, model_validator

from orchestrion import StepContext
from orchestrion.exceptions import ValidationFailed

from ._errors import error_record, pointer_of, summary
from ._resources import ResourceError, load_schema_file, make_retriever

if TYPE_CHECKING:
    import jsonschema_rs

__all__ = ["SchemaOptions", "SchemaValidator", "compile_schema"]

# Without these flags orjson would serialise datetimes and dataclasses, which
# are not JSON values; with them it raises, and the walk names the culprit.
_STRICT_DUMP = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class SchemaOptions(BaseModel):
    """Options of ``validator.schema``. Give at most one of ``inline``, ``path`` and
    ``url``; with none, any JSON value is valid (only NaN, infinities and non-JSON
    types are refused). The schema is compiled when the options are validated,
    so a bad schema fails when the workflow loads, not when data arrives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    inline: dict[str, Any] | bool | None = Field(
        default=None, description="The JSON Schema itself (an object, or true/false)."
    )
    path: Path | None = Field(
        default=None,
        description="A JSON Schema file (relative to the working directory); relative "
        "$refs resolve to files beside it.",
    )
    url: str | None = Field(
        default=None,
        description="The URL of a schema registered in `resources`; it is read from disk.",
    )
    resources: dict[str, Path] = Field(
        default_factory=dict,
        description="Local copies of schema URLs: an exact URL maps to a file, a URL prefix "
        "ending in '/' to a folder. $refs to other URLs are errors (no network access).",
    )
    format_assertion: bool = Field(
        default=False,
        description="Check 'format' keywords (email, date-time, ...); draft 2020-12 treats "
        "them as annotations only unless asked.",
    )
    max_errors: int | None = Field(
        default=None,
        ge=1,
        description="Stop after this many errors (none: report every error).",
    )
    check_values: bool = Field(
        default=True,
        description="First refuse what JSON cannot hold: NaN and infinities (the validator "
        "would read them as null), non-string keys, sets, bytes, datetimes. Data from "
        "json.parse never holds them; turning this off saves ~1 µs per record.",
    )

    @model_validator(mode="after")
    def _compiles(self) -> SchemaOptions:
        given = [n for n in ("inline", "path", "url") if getattr(self, n) is not None]
        if len(given) > 1:
            msg = f"give at most one of inline, path and url (got {' and '.join(given)})"
            raise ValueError(msg)
        if (
            self.url is not None
            and self.url.split("#")[0] not in self.resources
            and not any(p.endswith("/") and self.url.startswith(p) for p in self.resources)
        ):
            msg = f"url {self.url!r} is not registered in resources; map it to a local file"
            raise ValueError(msg)
        compile_schema(self)
        return self


def _library_message(exc: Exception) -> str:
    """The first line of a schema error from the library (schema text, not data)."""
    import jsonschema_rs

    text = str(exc)
    marker = f"{ResourceError.__name__}: "
    if marker in text:  # our retriever's own message, wrapped by the library
        return text.split(marker, 1)[1].splitlines()[0]
    if isinstance(exc, jsonschema_rs.ValidationError):
        where = pointer_of(exc.instance_path) or "/"
        return f"invalid JSON Schema at {where}: {exc.message}"
    return text.splitlines()[0] if text else type(exc).__name__


def compile_schema(options: SchemaOptions) -> jsonschema_rs.Validator:
    """Build the validator for ``options``; :class:`ValueError` (an options error)
    when the schema is invalid or a ``$ref`` cannot be resolved locally."""
    # Imported here, not at module level: the library costs milliseconds to
    # import, and listing plugins (which imports this module) needs none of it.
    import jsonschema_rs

    file_root: Path | None = None
    base_uri: str | None = None
    resources = dict(options.resources)
    retriever = make_retriever(resources, None)
    if options.path is not None:
        path = options.path.resolve()
        schema: Any = load_schema_file(path)
        file_root, base_uri = path.parent, path.as_uri()
        retriever = make_retriever(resources, file_root)
    elif options.url is not None:
        schema = retriever(options.url)
        base_uri = options.url
    else:
        schema = True if options.inline is None else options.inline
    try:
        return jsonschema_rs.validator_for(
            schema,
            validate_formats=options.format_assertion,
            retriever=retriever,
            base_uri=base_uri,
        )
    except ResourceError:
        raise
    except Exception as exc:  # the library raises several types for bad schemas
        raise ValueError(_library_message(exc)) from None


def _first_non_json(value: Any) -> tuple[str, str] | None:
    """``(pointer, problem)`` for the first part of ``value`` JSON cannot hold
    (NaN, infinities, non-string keys, types with no JSON counterpart), or ``None``."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        node, path = stack.pop()
        if node is None or isinstance(node, str | bool | int):
            continue
        if isinstance(node, float):
            if not math.isfinite(node):
                return pointer_of(path), "NaN or infinity is not a JSON number"
        elif isinstance(node, dict):
            for key, child in node.items():
                if not isinstance(key, str):
                    problem = f"object key of type {type(key).__name__} (JSON keys are strings)"
                    return pointer_of(path), problem
                stack.append((child, [*path, key]))
        elif isinstance(node, list | tuple):
            stack.extend((child, [*path, i]) for i, child in enumerate(node))
        else:
            return pointer_of(path), f"not a JSON value: {type(node).__name__}"
    return None


class SchemaValidator:
    """The ``validator.schema`` component: passes valid data through unchanged,
    fails invalid data with a non-retryable ValidationFailed listing every error."""

    def __init__(self, options: SchemaOptions) -> None:
        self.options = options
        self._validator = compile_schema(options)
        self._check = options.check_values

    def _refuse(self, message: str, pointer: str = "", keyword: str = "type") -> ValidationFailed:
        error = {"pointer": pointer, "message": message, "keyword": keyword, "schema_pointer": ""}
        return ValidationFailed(summary("validator.schema", [error], False), errors=[error])

    def _check_values(self, data: Any) -> None:
        # Serialising with orjson is ~4x cheaper than walking in Python, so the
        # walk only runs when orjson fails (a non-JSON type, or an integer past
        # 64 bits, which is fine) or writes a null (NaN and infinities become
        # null, indistinguishable from a real one).
        try:
            suspect = b"null" in orjson.dumps(data, option=_STRICT_DUMP)
        except TypeError:
            suspect = True
        if suspect and (found := _first_non_json(data)) is not None:
            pointer, problem = found
            raise self._refuse(problem, pointer)

    def process(self, data: Any, ctx: StepContext) -> Any:
        """Return ``data`` if it conforms; raise ValidationFailed with every error if not."""
        if self._check:
            self._check_values(data)
        try:
            if self._validator.is_valid(data):
                return data
            errors: list[dict[str, Any]] = []
            truncated = False
            for error in self._validator.iter_errors(data):
                if self.options.max_errors is not None and len(errors) >= self.options.max_errors:
                    truncated = True
                    break
                errors.append(
                    error_record(
                        error.kind.name,
                        error.kind.as_dict(),
                        error.instance_path,
                        error.schema_path,
                    )
                )
        except ValueError as exc:
            # The library refuses values JSON has no type for (sets, bytes,
            # non-string keys); its message names the type, not the value.
            problem = f"not a JSON value: {exc}"
            raise self._refuse(problem) from None
        message = summary("validator.schema", errors, truncated)
        if isinstance(data, str | bytes):
            message += " (the input is text: put json.parse before validator.schema)"
        raise ValidationFailed(message, errors=errors)
