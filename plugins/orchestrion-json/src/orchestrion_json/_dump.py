"""``json.dump``: Python values to JSON text, canonical, compact or pretty."""

from __future__ import annotations

import math
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from orchestrion import StepContext
from orchestrion.exceptions import PermanentError

__all__ = ["DumpOptions", "JsonDumper", "dump_json"]

_FLAGS = {
    "canonical": orjson.OPT_SORT_KEYS,
    "compact": 0,
    "pretty": orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2,
}


class DumpOptions(BaseModel):
    """Options of ``json.dump``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    style: Literal["canonical", "compact", "pretty"] = Field(
        default="canonical",
        description="'canonical': sorted keys, no whitespace (stable for hashing and diffs); "
        "'compact': keys in insertion order, no whitespace; "
        "'pretty': sorted keys, indented by two spaces.",
    )
    as_bytes: bool = Field(default=False, description="Return UTF-8 bytes instead of a str.")


def _non_finite_at(value: Any) -> str | None:
    """The JSON Pointer of the first NaN or infinity in ``value``, or ``None``."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            return pointer or "/"
        if isinstance(node, dict):
            stack.extend(
                (v, f"{pointer}/{str(k).replace('~', '~0').replace('/', '~1')}")
                for k, v in node.items()
            )
        elif isinstance(node, list | tuple):
            stack.extend((v, f"{pointer}/{i}") for i, v in enumerate(node))
    return None


def dump_json(value: Any, options: DumpOptions) -> bytes:
    """Serialise ``value`` as UTF-8 JSON bytes in the style of ``options``.

    Raises :class:`~orchestrion.exceptions.PermanentError` for values JSON cannot
    represent: non-string keys, unsupported types, NaN and infinities (which
    orjson would silently write as ``null``).
    """
    try:
        out = orjson.dumps(value, option=_FLAGS[options.style])
    except TypeError as exc:
        msg = f"json.dump: value is not JSON-serialisable: {exc}"
        raise PermanentError(msg) from None
    # orjson writes NaN and infinities as null; only when the output has a
    # null at all is the value walked to tell the two apart.
    if b"null" in out:
        where = _non_finite_at(value)
        if where is not None:
            msg = f"json.dump: NaN or infinity at {where} cannot be written as JSON"
            raise PermanentError(msg)
    return out


class JsonDumper:
    """The ``json.dump`` component: Python values in, JSON text out."""

    def __init__(self, options: DumpOptions) -> None:
        self.options = options

    def process(self, data: Any, ctx: StepContext) -> str | bytes:
        """Serialise ``data``; a str unless ``as_bytes`` is set."""
        out = dump_json(data, self.options)
        return out if self.options.as_bytes else out.decode("utf-8")
