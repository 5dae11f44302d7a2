"""The ``numeric.extract`` component: numbers from text or nested structures."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, NotRequired, TypedDict

from orchestrion import StepContext
from orchestrion.exceptions import ParseError, PermanentError

from ._options import ExtractOptions
from ._scan import scan

__all__ = [
    "Extraction",
    "Extractor",
    "Number",
    "as_json_number",
    "decode",
    "escape_token",
    "resolve_pointer",
    "walk",
]


# What numeric.extract accepts besides a lone number.
_INPUTS = (str, bytes, bytearray, memoryview, Mapping, list, tuple)


class Number(TypedDict):
    """One number found by ``numeric.extract``.

    ``pointer`` is the JSON Pointer of the value (``""`` for text input).
    For a number written in text, ``text`` is as written and ``start``/``end``
    are its character offsets in the string at ``pointer``; for a numeric value
    of a structure both are absent.
    """

    value: int | float
    text: str
    kind: Literal["integer", "decimal", "percent"]
    pointer: str
    start: NotRequired[int]
    end: NotRequired[int]


class Extraction(TypedDict):
    """The output of ``numeric.extract``."""

    count: int
    numbers: list[Number]
    truncated: bool


def escape_token(key: object) -> str:
    """One JSON Pointer reference token (``~`` is ``~0``, ``/`` is ``~1``)."""
    return str(key).replace("~", "~0").replace("/", "~1")


def resolve_pointer(data: Any, pointer: str) -> Any:
    """The value at ``pointer`` (RFC 6901) inside ``data``; a
    :class:`PermanentError` naming the part that does not resolve."""
    current = data
    walked = ""
    for raw in pointer.split("/")[1:] if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        walked += "/" + raw
        if isinstance(current, Mapping) and token in current:
            current = current[token]
        elif (
            isinstance(current, Sequence)
            and not isinstance(current, str | bytes)
            and token.isdigit()
            and (token == "0" or token[0] != "0")
            and int(token) < len(current)
        ):
            current = current[int(token)]
        else:
            msg = (
                f"pointer {pointer!r}: nothing at {walked!r} in the input; check the pointer option"
            )
            raise PermanentError(msg)
    return current


def decode(data: bytes | bytearray | memoryview) -> str:
    """Bytes as UTF-8 text; a :class:`ParseError` locating the first bad byte."""
    raw = bytes(data)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        msg = f"input is not valid UTF-8 at byte {exc.start}; decode it before extracting"
        raise ParseError(msg, line=line, column=column) from None


def _is_text_record(value: Mapping[Any, Any]) -> bool:
    # A chunk from chunking.split, or any record shaped like one.
    start = value.get("start")
    return (
        isinstance(value.get("text"), str)
        and isinstance(start, int)
        and not isinstance(start, bool)
    )


def walk(data: Any, pointer: str = "") -> Iterator[tuple[str, Any, int]]:
    """Yield ``(pointer, leaf, offset)`` for every leaf of ``data`` depth first,
    iteratively so deep nesting cannot exhaust the stack. A text record (a
    mapping with a string ``text`` and an integer ``start``, such as a chunk) is
    one text leaf at its own ``pointer`` (or ``/text``) and offset ``start``."""
    stack: list[tuple[str, Any]] = [(pointer, data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, Mapping):
            if _is_text_record(value):
                origin = value.get("pointer")
                where = origin if isinstance(origin, str) else f"{path}/text"
                yield where, value["text"], value["start"]
                continue
            items = [(f"{path}/{escape_token(k)}", v) for k, v in value.items()]
            stack.extend(reversed(items))
        elif isinstance(value, list | tuple):
            stack.extend(reversed([(f"{path}/{i}", v) for i, v in enumerate(value)]))
        else:
            yield path, value, 0


def as_json_number(value: Any) -> tuple[int | float, Literal["integer", "decimal"]] | None:
    """A numeric leaf of a structure as ``(value, kind)``; ``None`` for anything
    else, booleans and non-finite values included."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, "integer"
    if isinstance(value, float | Decimal | Fraction):
        as_float = float(value)
        return (as_float, "decimal") if math.isfinite(as_float) else None
    return None


class Extractor:
    """Finds every number in its input: numbers written in text (with offsets)
    and numeric values of structures (with JSON Pointers).

    ``process`` is synchronous: scanning is CPU work that belongs in a worker
    thread, off the event loop.
    """

    def __init__(self, options: ExtractOptions) -> None:
        self.options = options

    def find(self, data: Any) -> Iterator[Number]:
        """Yield the numbers in ``data`` in document order."""
        opts = self.options
        root = resolve_pointer(data, opts.pointer)
        if isinstance(root, bytes | bytearray | memoryview):
            root = decode(root)
        for path, leaf, offset in walk(root, opts.pointer):
            if isinstance(leaf, str):
                if not opts.parse_strings:
                    continue
                found_in_text = scan(
                    leaf,
                    decimal_separator=opts.decimal_separator,
                    thousands_separator=opts.thousands_separator,
                    percent_as_fraction=opts.percent_as_fraction,
                )
                for found in found_in_text:
                    yield Number(
                        value=found.value,
                        text=found.text,
                        kind=found.kind,
                        pointer=path,
                        start=offset + found.start,
                        end=offset + found.end,
                    )
            elif opts.json_numbers and (parsed := as_json_number(leaf)) is not None:
                yield Number(value=parsed[0], text=str(leaf), kind=parsed[1], pointer=path)

    def process(self, data: Any, ctx: StepContext) -> Extraction:
        """Extract the numbers in ``data`` (text, UTF-8 bytes, or a structure)."""
        if not isinstance(data, _INPUTS) and as_json_number(data) is None:
            msg = (
                f"numeric.extract takes text, bytes or a mapping or list, got {type(data).__name__}"
            )
            raise PermanentError(msg)
        numbers: list[Number] = []
        limit = self.options.max_numbers
        truncated = False
        for number in self.find(data):
            if len(numbers) == limit:
                truncated = True
                break
            numbers.append(number)
        return Extraction(count=len(numbers), numbers=numbers, truncated=truncated)
