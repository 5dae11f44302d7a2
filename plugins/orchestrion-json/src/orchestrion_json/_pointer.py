"""JSON Pointer (RFC 6901): parsing and resolution, and ``json.select``."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from pydantic import BaseModel, ConfigDict, Field, field_validator

from orchestrion import StepContext
from orchestrion.exceptions import ValidationFailed

__all__ = ["JsonSelector", "SelectOptions", "resolve_pointer", "split_pointer"]

# RFC 6901: an array index is "0" or digits without a leading zero.
_INDEX = re.compile(r"^(0|[1-9][0-9]*)$")
_BAD_ESCAPE = re.compile(r"~(?![01])")


def split_pointer(pointer: str) -> list[str]:
    """The reference tokens of ``pointer`` (``""`` is the whole document).

    Raises :class:`ValueError` when it is not a JSON Pointer: it must be empty or
    start with ``/``, and ``~`` may only appear as ``~0`` or ``~1``.
    """
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        msg = f"JSON Pointer {pointer!r} must be empty or start with '/'"
        raise ValueError(msg)
    if _BAD_ESCAPE.search(pointer):
        msg = f"JSON Pointer {pointer!r} has '~' not followed by 0 or 1 (write ~0 for '~')"
        raise ValueError(msg)
    # ~1 before ~0, as the RFC requires, so "~01" means "~1" literally.
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value ``pointer`` refers to in ``document``.

    Raises :class:`~orchestrion.exceptions.ValidationFailed` naming the longest
    prefix that exists and why the next token does not resolve.
    """
    current = document
    seen = ""
    for token in split_pointer(pointer):
        if isinstance(current, Mapping):
            if token not in current:
                problem = f"object at {seen or '/'} has no member {token!r}"
                _missing(pointer, problem)
            current = current[token]
        elif isinstance(current, Sequence) and not isinstance(current, str | bytes):
            if not _INDEX.match(token):
                problem = f"array at {seen or '/'} cannot be indexed by {token!r}"
                _missing(pointer, problem)
            if int(token) >= len(current):
                problem = f"array at {seen or '/'} has {len(current)} items, no index {token}"
                _missing(pointer, problem)
            current = current[int(token)]
        else:
            problem = f"value at {seen or '/'} is a {type(current).__name__}, not a container"
            _missing(pointer, problem)
        seen = f"{seen}/{_escape(token)}"
    return current


def _missing(pointer: str, problem: str) -> NoReturn:
    msg = f"json.select: path {pointer!r} not found: {problem}"
    raise ValidationFailed(msg, errors=[{"pointer": pointer, "message": problem}])


class SelectOptions(BaseModel):
    """Options of ``json.select``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pointer: str = Field(
        description="RFC 6901 JSON Pointer to extract, e.g. '/items/0/name' ('' is the whole "
        "document; escape '~' as '~0' and '/' as '~1')."
    )
    missing_ok: bool = Field(
        default=False,
        description="Return `default` instead of failing when the path does not exist.",
    )
    default: Any = Field(
        default=None, description="What to return for a missing path when `missing_ok` is set."
    )

    @field_validator("pointer")
    @classmethod
    def _valid_pointer(cls, value: str) -> str:
        split_pointer(value)
        return value


class JsonSelector:
    """The ``json.select`` component: extract one value by JSON Pointer."""

    def __init__(self, options: SelectOptions) -> None:
        self.options = options

    def process(self, data: Any, ctx: StepContext) -> Any:
        """The value at the configured pointer in parsed JSON ``data``."""
        if isinstance(data, str | bytes | bytearray):
            msg = "json.select takes parsed JSON, got text; put json.parse before it"
            raise ValidationFailed(msg, errors=[{"pointer": "", "message": msg}])
        try:
            return resolve_pointer(data, self.options.pointer)
        except ValidationFailed:
            if self.options.missing_ok:
                return self.options.default
            raise
