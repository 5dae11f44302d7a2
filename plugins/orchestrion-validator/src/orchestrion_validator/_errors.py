"""Validation errors as ``{pointer, message, keyword}`` records that never echo the
instance: messages name the rule violated, built from the schema's side only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["MAX_SHOWN", "error_record", "pointer_of", "summary", "truncate"]

#: How many errors a ValidationFailed message spells out; all are in ``errors``.
MAX_SHOWN = 3
_MAX_TEXT = 60


def truncate(value: Any, limit: int = _MAX_TEXT) -> str:
    """``repr`` of a schema-side value, cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def pointer_of(path: Iterable[str | int]) -> str:
    """The RFC 6901 JSON Pointer of a path of keys and indices (``""`` is the root)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _names(names: Sequence[Any]) -> str:
    """Property names from the instance: at most five, each truncated."""
    shown = ", ".join(truncate(str(n), 40) for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _message(keyword: str, info: dict[str, Any]) -> str:
    """What rule failed, from the schema's side of the error only."""
    limit = info.get("limit")
    simple = {
        "maxLength": f"longer than {limit} characters",
        "minLength": f"shorter than {limit} characters",
        "maximum": f"greater than the maximum of {limit}",
        "minimum": f"less than the minimum of {limit}",
        "exclusiveMaximum": f"not less than the exclusive maximum of {limit}",
        "exclusiveMinimum": f"not greater than the exclusive minimum of {limit}",
        "maxItems": f"more than {limit} items",
        "minItems": f"fewer than {limit} items",
        "maxProperties": f"more than {limit} properties",
        "minProperties": f"fewer than {limit} properties",
        "uniqueItems": "items are not unique",
        "anyOf": "matches none of the 'anyOf' subschemas",
        "oneOfNotValid": "matches none of the 'oneOf' subschemas",
        "oneOfMultipleValid": "matches more than one of the 'oneOf' subschemas",
        "not": "matches the 'not' subschema",
        "falseSchema": "no value is allowed here (false schema)",
        "const": f"does not equal the constant {truncate(info.get('expected_value'))}",
        "enum": f"is not one of {truncate(info.get('options'))}",
        "contains": "has no item matching 'contains'",
        "propertyNames": "has a property name that fails 'propertyNames'",
    }
    if keyword in simple:
        return simple[keyword]
    if keyword == "type":
        types = info.get("types")
        if isinstance(types, list) and types:
            return f"expected type {' or '.join(str(t) for t in types)}"
        return "has the wrong type"
    if keyword == "required":
        return f"missing required property {truncate(info.get('property'))}"
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        return f"unexpected properties {_names(list(info.get('unexpected') or []))}"
    if keyword in ("additionalItems", "unevaluatedItems"):
        return "has items the schema does not allow"
    if keyword == "multipleOf":
        return f"not a multiple of {info.get('multiple_of')}"
    if keyword == "pattern":
        return f"does not match the pattern {truncate(info.get('pattern'))}"
    if keyword == "format":
        return f"is not a valid {truncate(info.get('format'))}"
    # Every other rule: name it, never the value.
    return f"fails the {keyword!r} rule"


def error_record(
    keyword: str,
    info: dict[str, Any],
    instance_path: Iterable[str | int],
    schema_path: Iterable[str | int],
) -> dict[str, Any]:
    """One error as reported in ``ValidationFailed.errors``."""
    return {
        "pointer": pointer_of(instance_path),
        "message": _message(keyword, info),
        "keyword": keyword,
        "schema_pointer": pointer_of(schema_path),
    }


def summary(what: str, errors: Sequence[dict[str, Any]], truncated: bool) -> str:
    """The one-line message of a ValidationFailed: the count and the first few errors."""
    shown = "; ".join(f"{e['pointer'] or '/'}: {e['message']}" for e in errors[:MAX_SHOWN])
    more = len(errors) - MAX_SHOWN
    count = f"{len(errors)}{'+' if truncated else ''}"
    tail = f"; and {more} more" if more > 0 else ""
    return f"{what}: {count} validation error{'s' if len(errors) != 1 else ''}: {shown}{tail}"
