"""Data profiles: a cheap, bounded summary of one piece of data.

Conditions and the route cache read the profile instead of re-inspecting the
data, so it is computed once per item. Computing it looks at no more than a few
kilobytes of the head (and a few bytes of the tail) of text or bytes, never
parses a document and never keeps a reference to, or a copy of, the payload.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["DataProfile", "profile_of"]

Format = Literal["json", "jsonl", "csv", "prose", "text", "binary", "mapping", "sequence", "other"]
Kind = Literal["text", "bytes", "mapping", "sequence", "other"]

# How much of a text is looked at to guess its format: enough to be right on
# real data, small enough that profiling a 1 GB string costs microseconds.
_SNIFF = 4096
# How much of the end is looked at to tell a whole JSON document from a log
# line that merely starts with a bracket.
_TAIL = 64
# At most this many top-level keys are kept, so a huge mapping stays cheap.
_MAX_KEYS = 32


@dataclass(frozen=True, slots=True)
class DataProfile:
    """What the router knows about a piece of data without processing it.

    ``python_type`` is the type name; ``size`` the length in bytes (bytes-like
    data), characters (text) or items (containers); ``format`` a guess at the
    content's format (``json``, ``jsonl``, ``csv``, ``prose``, ``text``,
    ``binary`` for text and bytes; ``mapping``, ``sequence`` or ``other`` for
    Python objects); ``keys`` the first 32 top-level keys of a mapping, as
    strings; ``length`` the number of items of a sequence or mapping; ``kind``
    the broad family (``text``, ``bytes``, ``mapping``, ``sequence``, ``other``).

    Profiles are hashable: equal profiles share cached routing decisions.
    """

    python_type: str
    size: int
    format: Format
    keys: tuple[str, ...] | None = None
    length: int | None = None
    kind: Kind = "other"

    @property
    def size_bucket(self) -> int:
        """The power-of-two bucket of ``size`` (``size.bit_length()``), for reports."""
        return self.size.bit_length()

    def summary(self) -> str:
        """One line for explanations, e.g. ``str, 1234 chars, format json``."""
        unit = {"text": "chars", "bytes": "bytes"}.get(self.kind, "items")
        text = f"{self.python_type}, {self.size} {unit}, format {self.format}"
        if self.keys is not None:
            shown = ", ".join(self.keys[:8]) + (", ..." if len(self.keys) > 8 else "")
            text += f", keys [{shown}]"
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping of the profile."""
        return {
            "python_type": self.python_type,
            "kind": self.kind,
            "size": self.size,
            "format": self.format,
            "keys": list(self.keys) if self.keys is not None else None,
            "length": self.length,
        }


def _sniff_json(stripped: str, tail: str) -> Format | None:
    first = stripped[0]
    lines = [line for line in stripped.splitlines()[:3] if line.strip()]
    if (
        len(lines) > 1
        and all(line.lstrip()[:1] in ("{", "[") for line in lines)
        and lines[0].rstrip().endswith(("}", "]"))
    ):
        return "jsonl"
    closing = "}" if first == "{" else "]"
    if tail.rstrip().endswith(closing):
        return "json"
    return None


def _sniff_text(head: str, tail: str) -> Format:
    """Guess the format of text from its head (and, for JSON, its tail)."""
    if "\x00" in head:
        return "binary"
    stripped = head.lstrip()
    if not stripped:
        return "text"
    first = stripped[0]
    if first in "{[":
        found = _sniff_json(stripped, tail)
        if found is not None:
            return found
    elif (
        # A bare JSON scalar is one short token; a log line starting with a date is not.
        (first == '"' or stripped[:4] in ("true", "fals", "null") or first in "-0123456789")
        and head is tail
        and len(stripped.split(None, 1)) == 1
    ):
        return "json"
    lines = stripped.splitlines()[:5]
    if (
        len(lines) > 1
        and all(line.count(",") >= 1 for line in lines)
        and len({line.count(",") for line in lines}) == 1
    ):
        return "csv"
    words = stripped.split()
    # Prose starts with a word and is mostly words; log lines start with a date,
    # a level in brackets or a number and carry many non-words.
    if (
        len(words) >= 5
        and first.isalpha()
        and sum(w.strip(".,;:!?'\"()").isalpha() for w in words) >= len(words) * 0.7
    ):
        return "prose"
    return "text"


def _decode_head(raw: bytes) -> str | None:
    """UTF-8 text of ``raw``, tolerating a multi-byte sequence cut at the end;
    ``None`` when it is not UTF-8 text."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut in the middle of a multi-byte sequence at the end is still text.
        if exc.start > len(raw) - 4:
            return raw[: exc.start].decode("utf-8", "replace")
        return None


def _profile_bytes(data: bytes | bytearray | memoryview) -> DataProfile:
    name = type(data).__name__
    size = data.nbytes if isinstance(data, memoryview) else len(data)
    # Bounded slices: at most _SNIFF + _TAIL bytes are copied, whatever the size.
    head = _decode_head(bytes(data[:_SNIFF]))
    if head is None:
        return DataProfile(name, size, "binary", kind="bytes")
    tail = head if size <= _SNIFF else bytes(data[-_TAIL:]).decode("utf-8", "ignore")
    return DataProfile(name, size, _sniff_text(head, tail), kind="bytes")


def profile_of(data: Any) -> DataProfile:
    """Compute the :class:`DataProfile` of ``data`` (bounded work, no copies)."""
    if isinstance(data, str):
        head = data[:_SNIFF]
        tail = head if len(data) <= _SNIFF else data[-_TAIL:]
        return DataProfile("str", len(data), _sniff_text(head, tail), kind="text")
    if isinstance(data, bytes | bytearray | memoryview):
        return _profile_bytes(data)
    if isinstance(data, Mapping):
        keys = tuple(str(k) for _, k in zip(range(_MAX_KEYS), data, strict=False))
        n = len(data)
        return DataProfile(type(data).__name__, n, "mapping", keys=keys, length=n, kind="mapping")
    if isinstance(data, Sequence):
        n = len(data)
        return DataProfile(type(data).__name__, n, "sequence", length=n, kind="sequence")
    return DataProfile(type(data).__name__, 0, "other")
