"""Built-in plugin ``conditions``: the general-purpose routing vocabulary."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._markers import hookimpl
from .._profile import DataProfile
from .._registrations import Condition, NoOptions

# Regex conditions look at no more than this many characters by default, so a
# pathological pattern cannot be fed a gigabyte.
DEFAULT_PATTERN_INPUT_CAP = 65_536


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SizeParams(_Params):
    """Parameters of ``size_over`` and ``size_under``."""

    bytes: int = Field(ge=0, description="Size threshold: bytes, characters or items.")


class FormatParams(_Params):
    """Parameters of ``looks_like``."""

    format: Literal["json", "jsonl", "csv", "prose", "text", "binary"] = Field(
        description="The detected format to match."
    )


class FieldParams(_Params):
    """Parameters of ``has_field``."""

    path: str = Field(min_length=1, description="Dotted path into nested mappings, e.g. 'a.b'.")


class FieldEqualsParams(FieldParams):
    """Parameters of ``field_equals``."""

    value: Any = Field(description="The value the field must equal.")


class PatternParams(_Params):
    """Parameters of ``matches_pattern``."""

    pattern: str = Field(description="A Python regular expression, searched for in text.")
    max_input: int = Field(
        default=DEFAULT_PATTERN_INPUT_CAP,
        ge=1,
        description="Only the first this-many characters are searched.",
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            msg = f"not a valid regular expression: {exc}"
            raise ValueError(msg) from None
        return value


def _size_over(data: Any, profile: DataProfile, params: SizeParams) -> bool:
    return profile.size > params.bytes


def _size_under(data: Any, profile: DataProfile, params: SizeParams) -> bool:
    return profile.size < params.bytes


def _kind(check: Callable[[Any], bool]) -> Callable[[Any, DataProfile, NoOptions], bool]:
    def condition(data: Any, profile: DataProfile, params: NoOptions) -> bool:
        return check(data)

    return condition


def _looks_like(data: Any, profile: DataProfile, params: FormatParams) -> bool:
    return profile.format == params.format


_MISSING = object()


def _lookup(data: Any, path: str) -> Any:
    current = data
    for part in path.split("."):
        if isinstance(current, Mapping):
            current = current.get(part, _MISSING)
        elif isinstance(current, Sequence) and not isinstance(current, str | bytes):
            if not part.isdigit() or int(part) >= len(current):
                return _MISSING
            current = current[int(part)]
        else:
            return _MISSING
        if current is _MISSING:
            return _MISSING
    return current


def _has_field(data: Any, profile: DataProfile, params: FieldParams) -> bool:
    return _lookup(data, params.path) is not _MISSING


def _field_equals(data: Any, profile: DataProfile, params: FieldEqualsParams) -> bool:
    found = _lookup(data, params.path)
    return found is not _MISSING and bool(found == params.value)


_compiled: dict[str, re.Pattern[str]] = {}


def _matches_pattern(data: Any, profile: DataProfile, params: PatternParams) -> bool:
    if isinstance(data, bytes | bytearray):
        text = bytes(data[: params.max_input]).decode("utf-8", "replace")
    elif isinstance(data, str):
        text = data[: params.max_input]
    else:
        return False
    pattern = _compiled.get(params.pattern)
    if pattern is None:
        pattern = _compiled.setdefault(params.pattern, re.compile(params.pattern))
    return pattern.search(text) is not None


@hookimpl
def register_conditions(register: Callable[[Condition[Any]], None]) -> None:
    """Register the built-in conditions."""
    register(Condition(name="size_over", check=_size_over, params=SizeParams,
                       description="Size (bytes, characters or items) is over a threshold."))
    register(Condition(name="size_under", check=_size_under, params=SizeParams,
                       description="Size (bytes, characters or items) is under a threshold."))
    register(Condition(name="is_mapping", check=_kind(lambda d: isinstance(d, Mapping)),
                       description="The data is a mapping (a JSON object once parsed)."))
    register(Condition(
        name="is_sequence",
        check=_kind(lambda d: isinstance(d, Sequence) and not isinstance(d, str | bytes)),
        description="The data is a list-like sequence (not text or bytes).",
    ))
    register(Condition(name="is_text", check=_kind(lambda d: isinstance(d, str)),
                       description="The data is a text string."))
    register(Condition(name="is_bytes", check=_kind(lambda d: isinstance(d, bytes | bytearray)),
                       description="The data is raw bytes."))
    register(Condition(name="looks_like", check=_looks_like, params=FormatParams,
                       description="The detected format (json, jsonl, csv, prose, text, binary)."))
    register(Condition(name="has_field", check=_has_field, params=FieldParams,
                       description="A mapping has a value at a dotted path."))
    register(Condition(name="field_equals", check=_field_equals, params=FieldEqualsParams,
                       description="The value at a dotted path equals a given value."))
    register(Condition(name="matches_pattern", check=_matches_pattern, params=PatternParams,
                       description="Text matches a regular expression (input length capped)."))
