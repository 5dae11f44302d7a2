"""Finding the text to split: in text, in bytes, or inside a parsed structure."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from orchestrion.exceptions import ParseError, PermanentError

__all__ = [
    "escape_token",
    "has_long_json_string",
    "has_long_string",
    "locate_text",
    "resolve_pointer",
]

# One JSON string literal, unrolled so that the scan is linear and never
# backtracks: scanning left to right with finditer stays aligned on string
# boundaries, because outside strings valid JSON has no quotes.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)

# Routing must stay cheap: raw JSON is scanned for long strings only this far.
JSON_SCAN_LIMIT = 8 * 1024 * 1024

# How many nodes of a parsed structure a condition visits before giving up.
NODE_BUDGET = 100_000


def escape_token(key: object) -> str:
    """One JSON Pointer reference token (RFC 6901: ``~`` is ``~0``, ``/`` is ``~1``)."""
    return str(key).replace("~", "~0").replace("/", "~1")


def _unescape_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(data: Any, pointer: str) -> Any:
    """The value at ``pointer`` inside ``data``; a :class:`PermanentError` naming
    the first reference token that does not resolve."""
    if pointer == "":
        return data
    current = data
    walked = ""
    for raw in pointer[1:].split("/"):
        token = _unescape_token(raw)
        walked += "/" + raw
        if isinstance(current, Mapping):
            if token not in current:
                msg = f"pointer {pointer!r}: no key at {walked!r}; check the pointer option"
                raise PermanentError(msg)
            current = current[token]
        elif isinstance(current, Sequence) and not isinstance(current, str | bytes):
            if not token.isdigit() or (len(token) > 1 and token[0] == "0"):
                msg = f"pointer {pointer!r}: {walked!r} is not an array index"
                raise PermanentError(msg)
            index = int(token)
            if index >= len(current):
                msg = f"pointer {pointer!r}: index {index} out of range at {walked!r}"
                raise PermanentError(msg)
            current = current[index]
        else:
            msg = (
                f"pointer {pointer!r}: {walked!r} goes into a {type(current).__name__}, "
                "which has no members"
            )
            raise PermanentError(msg)
    return current


def _strings(data: Any, pointer: str, budget: list[int]) -> Any:
    """Yield ``(pointer, string)`` for every string in ``data``, depth first,
    iteratively (a deeply nested structure must not hit the recursion limit)."""
    stack: list[tuple[str, Any]] = [(pointer, data)]
    while stack and budget[0] > 0:
        path, value = stack.pop()
        budget[0] -= 1
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, Mapping):
            items = [(f"{path}/{escape_token(k)}", v) for k, v in value.items()]
            stack.extend(reversed(items))
        elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
            stack.extend(reversed([(f"{path}/{i}", v) for i, v in enumerate(value)]))


def _decode(data: bytes | bytearray | memoryview) -> str:
    raw = bytes(data)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        msg = f"input is not valid UTF-8 at byte {exc.start}; decode it before splitting"
        raise ParseError(msg, line=line, column=column) from None


def locate_text(data: Any, pointer: str | None) -> tuple[str, str | None]:
    """The text to split and the JSON Pointer it came from (``None`` for text input).

    Text is taken as is, bytes are decoded as UTF-8, and in a mapping or list
    the string at ``pointer`` is taken, or the longest string when ``pointer``
    is ``None``. Anything else is a :class:`PermanentError`.
    """
    if isinstance(data, str):
        return data, None
    if isinstance(data, bytes | bytearray | memoryview):
        return _decode(data), None
    if isinstance(data, Mapping | Sequence):
        if pointer is not None:
            value = resolve_pointer(data, pointer)
            if isinstance(value, bytes | bytearray | memoryview):
                return _decode(value), pointer
            if not isinstance(value, str):
                msg = (
                    f"pointer {pointer!r} names a {type(value).__name__}, not a string; "
                    "point at the text to split"
                )
                raise PermanentError(msg)
            return value, pointer
        best: tuple[str, str] | None = None
        for path, text in _strings(data, "", [2**62]):
            if best is None or len(text) > len(best[1]):
                best = (path, text)
        if best is None:
            msg = (
                f"the input {type(data).__name__} holds no string to split; "
                "route only text to chunking.split"
            )
            raise PermanentError(msg)
        return best[1], best[0]
    msg = (
        f"chunking.split takes text, bytes or a mapping or list holding text, "
        f"got {type(data).__name__}"
    )
    raise PermanentError(msg)


def has_long_string(data: Any, chars: int) -> bool:
    """Whether a parsed structure holds a string longer than ``chars``, looking
    at no more than :data:`NODE_BUDGET` nodes."""
    return any(len(text) > chars for _, text in _strings(data, "", [NODE_BUDGET]))


def has_long_json_string(text: str, chars: int) -> bool:
    """Whether raw JSON text holds a string literal longer than ``chars``
    (escapes counted as written), scanning at most :data:`JSON_SCAN_LIMIT`
    characters."""
    head = text[:JSON_SCAN_LIMIT]
    return any(m.end() - m.start() - 2 > chars for m in _JSON_STRING.finditer(head))
