"""``json.parse``: strict JSON text (str or bytes) to Python values with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from orchestrion import StepContext
from orchestrion.exceptions import ParseError

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_SIZE",
    "JsonParser",
    "ParseOptions",
    "Problem",
    "as_text_or_bytes",
    "load_strict",
    "parse_json",
]

#: Default cap on input size: 64 MiB.
DEFAULT_MAX_SIZE = 64 * 1024 * 1024
#: Default cap on nesting depth (arrays and objects inside each other).
DEFAULT_MAX_DEPTH = 512
# orjson refuses documents nested deeper than this on its own; a larger
# max_depth could never be honoured, so options reject it.
_ORJSON_DEPTH_LIMIT = 1024


class ParseOptions(BaseModel):
    """Options of ``json.parse`` (and of each line of ``json.lines``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_size: int = Field(
        default=DEFAULT_MAX_SIZE,
        ge=1,
        description="Largest accepted input, in bytes (for bytes) or characters (for text).",
    )
    max_depth: int = Field(
        default=DEFAULT_MAX_DEPTH,
        ge=1,
        le=_ORJSON_DEPTH_LIMIT,
        description="Deepest accepted nesting of arrays and objects (orjson's own limit is 1024).",
    )


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` nests containers deeper than ``limit`` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _utf8_error(raw: bytes) -> str | None:
    """Where ``raw`` stops being UTF-8, or ``None``; only called on the error path."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"input is not valid UTF-8 (byte offset {exc.start})"
    return None


class Problem(Exception):
    """Why a document is not strict JSON: ``reason`` and, when known, 1-based
    ``line`` and ``column``. Internal; callers turn it into a ParseError."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.column = column


def load_strict(data: str | bytes, options: ParseOptions) -> Any:
    """Parse ``data`` within the limits of ``options`` or raise :class:`Problem`."""
    if len(data) > options.max_size:
        unit = "bytes" if isinstance(data, bytes) else "chars"
        msg = (
            f"document of {len(data)} {unit} exceeds max_size={options.max_size}; "
            "raise the option if this is expected"
        )
        raise Problem(msg)
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        reason = (_utf8_error(data) if isinstance(data, bytes) else None) or exc.msg
        if reason == "depth limit exceeded":
            reason = f"nesting deeper than orjson's limit of {_ORJSON_DEPTH_LIMIT}"
        raise Problem(reason, exc.lineno, exc.colno) from None
    except RecursionError:  # defensive: orjson is iterative, but never let it escape
        msg = "nesting too deep to parse"
        raise Problem(msg) from None
    # Counting brackets is C-speed and bounds the depth from above, so the
    # walk only runs for documents that could possibly be too deep.
    if isinstance(value, dict | list) and len(data) > 2 * options.max_depth:
        if isinstance(data, str):
            brackets = data.count("[") + data.count("{")
        else:
            brackets = data.count(b"[") + data.count(b"{")
        if brackets > options.max_depth and _depth_exceeds(value, options.max_depth):
            msg = f"nesting deeper than max_depth={options.max_depth}"
            raise Problem(msg)
    return value


def as_text_or_bytes(data: Any, component: str) -> str | bytes:
    """``data`` as str or bytes, or a :class:`ParseError` naming its type."""
    if isinstance(data, str | bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    msg = f"{component} takes str or bytes, got {type(data).__name__}"
    raise ParseError(msg)


def parse_json(data: Any, options: ParseOptions) -> Any:
    """Parse one JSON document with the limits of ``options``.

    Raises :class:`~orchestrion.exceptions.ParseError` (with line and column when
    known) for anything that is not strict JSON: wrong input type, too large, too
    deep, invalid UTF-8, NaN or Infinity, syntax errors. The message never quotes
    the input.
    """
    text = as_text_or_bytes(data, "json.parse")
    try:
        return load_strict(text, options)
    except Problem as problem:
        raise ParseError(problem.reason, line=problem.line, column=problem.column) from None


class JsonParser:
    """The ``json.parse`` component: strict JSON text in, Python values out.

    ``process`` is synchronous on purpose: parsing is CPU work, so the engine
    runs it in a worker thread.
    """

    def __init__(self, options: ParseOptions) -> None:
        self.options = options
        # A document of n characters nests at most n // 2 deep, so one this
        # short can break neither limit: it goes straight to orjson.
        self._short = min(options.max_size, 2 * options.max_depth + 1)

    def process(self, data: Any, ctx: StepContext) -> Any:
        """Parse ``data`` (str or bytes) into dicts, lists and scalars."""
        if (type(data) is bytes or type(data) is str) and len(data) <= self._short:
            try:
                return orjson.loads(data)
            except orjson.JSONDecodeError:
                pass  # the full path below explains the error
        return parse_json(data, self.options)
