"""json.select: RFC 6901 JSON Pointer extraction and its errors."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from orchestrion import StepContext
from orchestrion.exceptions import ValidationFailed
from orchestrion_json import SelectOptions, resolve_pointer
from orchestrion_json._pointer import JsonSelector

# The example document of RFC 6901, section 5.
RFC = {
    "foo": ["bar", "baz"],
    "": 0,
    "a/b": 1,
    "c%d": 2,
    "e^f": 3,
    "g|h": 4,
    "i\\j": 5,
    'k"l': 6,
    " ": 7,
    "m~n": 8,
}


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("", RFC),
        ("/foo", ["bar", "baz"]),
        ("/foo/0", "bar"),
        ("/", 0),
        ("/a~1b", 1),
        ("/c%d", 2),
        ("/e^f", 3),
        ("/g|h", 4),
        ("/i\\j", 5),
        ('/k"l', 6),
        ("/ ", 7),
        ("/m~0n", 8),
    ],
)
def test_resolves_every_rfc6901_example(pointer: str, expected: object) -> None:
    """Every example pointer of RFC 6901 section 5 resolves to the RFC's value."""
    assert resolve_pointer(RFC, pointer) == expected


def test_unescapes_tilde_one_before_tilde_zero() -> None:
    """'~01' means the key '~1', not '/' (the RFC's decoding order)."""
    assert resolve_pointer({"~1": "x", "/": "y"}, "/~01") == "x"


@pytest.mark.parametrize(
    ("pointer", "problem"),
    [
        ("/foo/2", "has 2 items, no index 2"),
        ("/foo/-", "cannot be indexed by '-'"),
        ("/foo/01", "cannot be indexed by '01'"),
        ("/nope/x", "object at / has no member 'nope'"),
        ("/foo/0/x", "value at /foo/0 is a str"),
    ],
)
def test_missing_path_is_a_clear_validation_failure(
    ctx: StepContext, pointer: str, problem: str
) -> None:
    """A path that does not resolve fails with the pointer and why it stops there."""
    with pytest.raises(ValidationFailed, match=problem) as info:
        JsonSelector(SelectOptions(pointer=pointer)).process(RFC, ctx)
    assert info.value.errors == [{"pointer": pointer, "message": info.value.errors[0]["message"]}]
    assert problem in info.value.errors[0]["message"]


def test_missing_ok_returns_the_default(ctx: StepContext) -> None:
    """With missing_ok a missing path gives the configured default."""
    selector = JsonSelector(SelectOptions(pointer="/x", missing_ok=True, default=[]))
    assert selector.process({"y": 1}, ctx) == []


@pytest.mark.parametrize("pointer", ["foo", "/a~2", "/a~"])
def test_invalid_pointer_is_rejected_in_options(pointer: str) -> None:
    """A string that is not a JSON Pointer is an options error, caught at load time."""
    with pytest.raises(ValidationError, match="JSON Pointer"):
        SelectOptions(pointer=pointer)


def test_text_input_asks_for_json_parse(ctx: StepContext) -> None:
    """Unparsed text fails with advice to put json.parse first."""
    with pytest.raises(ValidationFailed, match=r"put json\.parse before it"):
        JsonSelector(SelectOptions(pointer="/a")).process('{"a": 1}', ctx)
