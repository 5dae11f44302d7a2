"""The ``json`` plugin: component types, conditions and requirements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from orchestrion import ComponentType, Condition, DataProfile, hookimpl

from ._detect import (
    IsJsonlParams,
    IsJsonParams,
    first_line_is_json,
    is_json,
    is_jsonl,
    starts_like_json,
)
from ._dump import DumpOptions, JsonDumper
from ._lines import JsonLinesSplitter, LinesOptions
from ._parse import JsonParser, ParseOptions
from ._pointer import JsonSelector, SelectOptions

#: Component types that work on parsed data, which the JSON entry points are
#: ordered before. "Before everything" cannot be said with hints alone, so the
#: convention is two-sided: the first-party consumers are listed here, and any
#: other plugin whose components take parsed JSON declares after=("json.parse",
#: "json.lines"). Hints naming types that are not installed are ignored.
CONSUMERS: tuple[str, ...] = (
    "chunking.split",
    "json.dump",
    "json.select",
    "numeric.extract",
    "numeric.stats",
    "validator.model",
    "validator.schema",
)

# Requirement analysis parses inputs up to this size to be sure; beyond it, the
# framing is trusted (the hook must stay cheap).
REQUIREMENT_CHECK_CAP = 64 * 1024
_LINES_CHECK = IsJsonlParams()
_PARSE_CHECK = IsJsonParams(max_check=REQUIREMENT_CHECK_CAP)


@hookimpl
def register_components(register: Callable[[ComponentType[Any]], None]) -> None:
    """Register ``json.parse``, ``json.lines``, ``json.select`` and ``json.dump``."""
    register(
        ComponentType(
            name="json.parse",
            factory=JsonParser,
            options=ParseOptions,
            description="Parse strict JSON text or bytes (orjson) with size and depth limits; "
            "errors give line and column.",
            capabilities=frozenset({"json.parsing"}),
            before=CONSUMERS,
        )
    )
    register(
        ComponentType(
            name="json.lines",
            factory=JsonLinesSplitter,
            options=LinesOptions,
            description="Split JSON Lines into one parsed record per line (fan-out); errors "
            "name the line.",
            capabilities=frozenset({"json.parsing", "json.lines"}),
            before=CONSUMERS,
            emits="many",
        )
    )
    register(
        ComponentType(
            name="json.select",
            factory=JsonSelector,
            options=SelectOptions,
            description="Extract one value from parsed JSON by JSON Pointer (RFC 6901).",
            capabilities=frozenset({"json.select"}),
            after=("json.parse", "json.lines"),
        )
    )
    register(
        ComponentType(
            name="json.dump",
            factory=JsonDumper,
            options=DumpOptions,
            description="Serialise values as JSON: canonical (sorted, compact), compact or pretty.",
            capabilities=frozenset({"json.serialization"}),
            after=("json.parse", "json.lines", "json.select"),
        )
    )


@hookimpl
def register_conditions(register: Callable[[Condition[Any]], None]) -> None:
    """Register ``json.is_json`` and ``json.is_jsonl``."""
    register(
        Condition(
            name="json.is_json",
            check=is_json,
            params=IsJsonParams,
            description="Text or bytes holding one JSON document (parsed up to max_check, "
            "framing sniffed beyond).",
        )
    )
    register(
        Condition(
            name="json.is_jsonl",
            check=is_jsonl,
            params=IsJsonlParams,
            description="Text or bytes with one JSON value per line (at least min_lines lines).",
        )
    )


@hookimpl
def analyze_requirements(data: Any, profile: DataProfile) -> Sequence[str] | None:
    """Text or bytes that is (or is framed like) JSON needs ``json.parse`` first;
    JSON Lines needs ``json.lines``.

    Malformed text framed like JSON (``{...}``/``[...]``), opening like it
    (``{"``, ``[{``, ``["``...: a truncated document), or JSON Lines whose first
    line parses, is routed too, on purpose: the run then fails with a
    ParseError naming the line and column instead of treating it as prose.
    """
    if isinstance(data, str | bytes):
        text = data
    elif isinstance(data, bytearray | memoryview):
        text = bytes(data)
    else:
        return None
    if profile.format == "jsonl" and (
        is_jsonl(text, profile, _LINES_CHECK) or first_line_is_json(text)
    ):
        return ["json.lines"]
    # Framed like JSON (the profile's "json"): small inputs must parse or open
    # like JSON, so "[Note] ... [1]" stays prose; large ones are trusted.
    framed = profile.format == "json" and (
        len(text) > REQUIREMENT_CHECK_CAP or is_json(text, profile, _PARSE_CHECK)
    )
    if framed or starts_like_json(text):
        return ["json.parse"]
    return None
