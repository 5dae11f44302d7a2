"""Bounded JSON detection: the ``json.is_json`` and ``json.is_jsonl`` conditions.

Small inputs are really parsed (orjson, microseconds); beyond a cap only the
edges are sniffed, so a condition never costs more than parsing ``max_check``.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from orchestrion import DataProfile

__all__ = [
    "DEFAULT_CHECK_CAP",
    "IsJsonParams",
    "IsJsonlParams",
    "first_line_is_json",
    "is_json",
    "is_jsonl",
    "looks_like_json",
    "starts_like_json",
]

#: Inputs up to this size are parsed to decide; larger ones are sniffed.
DEFAULT_CHECK_CAP = 1024 * 1024
_PAIRS = {"{": "}", "[": "]"}
_WS = " \t\r\n"
_WS_BYTES = _WS.encode()


class IsJsonParams(BaseModel):
    """Parameters of ``json.is_json``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_check: int = Field(
        default=DEFAULT_CHECK_CAP,
        ge=0,
        description="Inputs up to this size (bytes or characters) are parsed to decide; "
        "larger ones are judged by their first and last non-blank characters.",
    )


class IsJsonlParams(BaseModel):
    """Parameters of ``json.is_jsonl``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_lines: int = Field(
        default=2, ge=1, description="How many non-blank lines it takes to call text JSON Lines."
    )
    max_check: int = Field(
        default=64 * 1024,
        ge=1,
        description="Only complete lines within the first this-many bytes or characters "
        "are parsed.",
    )


def _text(data: Any) -> str | bytes | None:
    if isinstance(data, str | bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    return None


def _edges(text: str | bytes) -> tuple[str, str]:
    """First and last non-blank characters (ASCII view; '' when blank)."""
    if isinstance(text, bytes):
        raw_head, raw_tail = text[:64].lstrip(_WS_BYTES), text[-64:].rstrip(_WS_BYTES)
        return raw_head[:1].decode("latin-1"), raw_tail[-1:].decode("latin-1")
    return text[:64].lstrip(_WS)[:1], text[-64:].rstrip(_WS)[-1:]


def looks_like_json(text: str | bytes) -> bool:
    """Whether ``text`` is framed like a JSON object or array: ``{...}`` or ``[...]``."""
    first, last = _edges(text)
    return first in _PAIRS and _PAIRS[first] == last


# What follows an opening bracket in JSON, but rarely in prose: '{"' or '{}',
# and '[{', '[[', '["' ('[1]' and '[Note]' start prose too often to count).
_OPENERS = {"{": '"}', "[": '{["'}


def starts_like_json(text: str | bytes) -> bool:
    """Whether ``text`` opens like a JSON object or array of structures
    (``{"``, ``{}``, ``[{``, ``[[``, ``["``), whatever follows."""
    head = text[:64].decode("latin-1") if isinstance(text, bytes) else text[:64]
    head = head.lstrip(_WS)
    if head[:1] not in _OPENERS:
        return False
    rest = head[1:].lstrip(_WS)
    return rest[:1] != "" and rest[:1] in _OPENERS[head[0]]


def first_line_is_json(text: str | bytes, cap: int = 4096) -> bool:
    """Whether the first non-blank line (within ``cap``) is one JSON value."""
    if isinstance(text, str):
        line: str | bytes = text[:cap].lstrip(_WS).split("\n", 1)[0]
    else:
        line = text[:cap].lstrip(_WS_BYTES).split(b"\n", 1)[0]
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def is_json(data: Any, profile: DataProfile, params: IsJsonParams) -> bool:
    """``json.is_json``: the data is text or bytes holding one JSON document."""
    text = _text(data)
    if text is None:
        return False
    if len(text) <= params.max_check:
        try:
            orjson.loads(text)
        except orjson.JSONDecodeError:
            return False
        return True
    return looks_like_json(text)


def is_jsonl(data: Any, profile: DataProfile, params: IsJsonlParams) -> bool:
    """``json.is_jsonl``: the data is text or bytes with one JSON value per line."""
    text = _text(data)
    if text is None:
        return False
    head = text[: params.max_check]
    lines = head.split("\n") if isinstance(head, str) else head.split(b"\n")
    if len(text) > params.max_check and len(lines) > 1:
        lines = lines[:-1]  # the last one was cut by the cap
    found = 0
    for line in lines:
        if not line.strip():
            continue
        try:
            orjson.loads(line)
        except orjson.JSONDecodeError:
            return False
        found += 1
    return found >= params.min_lines
