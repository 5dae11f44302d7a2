"""Built-in plugin ``conditions``: the general-purpose routing vocabulary.

Conditions that need only the data profile say so (``profile_only=True``), so
routing decisions built on them are cached by profile; the ones that look
inside the data (``has_field``, ``field_equals``, ``matches_pattern``) are not.
Block the whole set with ``-p no:conditions``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._markers import hookimpl
from .._profile import DataProfile
from .._registrations import Condition, NoOptions
from .._routing._conditions import Nested, evaluate_directly

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
        description="The detected format to match (of text or bytes)."
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
        description="Only the first this-many characters (or bytes) are searched.",
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


class ConditionsParams(_Params):
    """Parameters of ``all`` and ``any``."""

    conditions: tuple[Nested, ...] = Field(
        min_length=1, description="The nested conditions, each in the same form as 'when'."
    )


class ConditionParams(_Params):
    """Parameters of ``not``."""

    condition: Nested = Field(description="The nested condition to negate.")


def _size_over(data: Any, profile: DataProfile, params: SizeParams) -> bool:
    return profile.size > params.bytes


def _size_under(data: Any, profile: DataProfile, params: SizeParams) -> bool:
    return profile.size < params.bytes


def _kind(kind: str) -> Callable[[Any, DataProfile, NoOptions], bool]:
    def condition(data: Any, profile: DataProfile, params: NoOptions) -> bool:
        return profile.kind == kind

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


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _matches_pattern(data: Any, profile: DataProfile, params: PatternParams) -> bool:
    if isinstance(data, bytes | bytearray | memoryview):
        text = bytes(data[: params.max_input]).decode("utf-8", "replace")
    elif isinstance(data, str):
        text = data[: params.max_input]
    else:
        return False
    return _compile(params.pattern).search(text) is not None


def _all(data: Any, profile: DataProfile, params: ConditionsParams) -> bool:
    return all(nested(data, profile) for nested in params.conditions)


def _any(data: Any, profile: DataProfile, params: ConditionsParams) -> bool:
    return any(nested(data, profile) for nested in params.conditions)


def _not(data: Any, profile: DataProfile, params: ConditionParams) -> bool:
    return not params.condition(data, profile)


# The router evaluates these three itself (same semantics as above, no hop
# through a context variable per nested condition); the checks above stay the
# reference and serve any caller that evaluates a condition directly.
evaluate_directly(_all, "all")
evaluate_directly(_any, "any")
evaluate_directly(_not, "not")


_KINDS = (
    ("is_mapping", "mapping", "The data is a mapping (a JSON object once parsed)."),
    ("is_sequence", "sequence", "The data is a list-like sequence (not text or bytes)."),
    ("is_text", "text", "The data is a text string."),
    ("is_bytes", "bytes", "The data is raw bytes (bytes, bytearray or memoryview)."),
)


def _conditions() -> list[Condition[Any]]:
    size = "Size (bytes for bytes, characters for text, items for containers)"
    out: list[Condition[Any]] = [
        Condition(
            name="size_over",
            check=_size_over,
            params=SizeParams,
            profile_only=True,
            description=f"{size} is over 'bytes'.",
        ),
        Condition(
            name="size_under",
            check=_size_under,
            params=SizeParams,
            profile_only=True,
            description=f"{size} is under 'bytes'.",
        ),
        Condition(
            name="looks_like",
            check=_looks_like,
            params=FormatParams,
            profile_only=True,
            description="The detected format of text or bytes is 'format' "
            "(json, jsonl, csv, prose, text, binary).",
        ),
        Condition(
            name="has_field",
            check=_has_field,
            params=FieldParams,
            description="A mapping has a value at the dotted 'path'.",
        ),
        Condition(
            name="field_equals",
            check=_field_equals,
            params=FieldEqualsParams,
            description="The value at the dotted 'path' equals 'value'.",
        ),
        Condition(
            name="matches_pattern",
            check=_matches_pattern,
            params=PatternParams,
            description="Text (or UTF-8 bytes) matches the regular expression 'pattern', "
            "searching at most 'max_input' characters.",
        ),
        # Combinators are profile-only themselves; the compiled tree is cacheable
        # only when every nested condition is too.
        Condition(
            name="all",
            check=_all,
            params=ConditionsParams,
            profile_only=True,
            description="Every nested condition holds (evaluated in order, stops early).",
        ),
        Condition(
            name="any",
            check=_any,
            params=ConditionsParams,
            profile_only=True,
            description="At least one nested condition holds (stops at the first).",
        ),
        Condition(
            name="not",
            check=_not,
            params=ConditionParams,
            profile_only=True,
            description="The nested condition does not hold.",
        ),
    ]
    out.extend(
        Condition(name=name, check=_kind(kind), profile_only=True, description=text)
        for name, kind, text in _KINDS
    )
    return out


@hookimpl
def register_conditions(register: Callable[[Condition[Any]], None]) -> None:
    """Register the built-in conditions."""
    for condition in _conditions():
        register(condition)
