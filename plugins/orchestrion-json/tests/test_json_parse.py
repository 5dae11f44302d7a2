"""json.parse: strict parsing, limits and error positions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from orchestrion import StepContext
from orchestrion.exceptions import ParseError, PermanentError
from orchestrion_json import DumpOptions, ParseOptions, dump_json, parse_json
from orchestrion_json._parse import JsonParser

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


def test_parses_str_and_bytes_alike(ctx: StepContext) -> None:
    """Text and UTF-8 bytes holding the same document parse to the same value."""
    parser = JsonParser(ParseOptions())
    doc = '{"name": "Zoë", "tags": ["a", "b"], "n": 1.5, "ok": true, "none": null}'
    assert parser.process(doc, ctx) == parser.process(doc.encode(), ctx)
    assert parser.process(bytearray(doc.encode()), ctx)["name"] == "Zoë"


@pytest.mark.parametrize("doc", ["[NaN]", "[Infinity]", "[-Infinity]", '{"a": NaN}'])
def test_rejects_nan_and_infinity(doc: str) -> None:
    """NaN and Infinity literals are not JSON and fail with a ParseError."""
    with pytest.raises(ParseError):
        parse_json(doc, ParseOptions())


def test_rejects_invalid_utf8_with_byte_offset() -> None:
    """Bytes that are not UTF-8 fail with a ParseError naming the byte offset."""
    with pytest.raises(ParseError, match=r"not valid UTF-8 \(byte offset 7\)"):
        parse_json(b'{"a": "\xff"}', ParseOptions())


def test_rejects_lone_surrogates_in_text() -> None:
    """A str with a lone surrogate cannot be UTF-8 and fails with a ParseError."""
    with pytest.raises(ParseError, match="UTF-8"):
        parse_json('"\ud800"', ParseOptions())


def test_error_reports_line_and_column_without_quoting_input() -> None:
    """A syntax error carries its 1-based line and column; the message does not echo data."""
    doc = '{\n  "password": "hunter2",\n  "b": ,\n}'
    with pytest.raises(ParseError) as info:
        parse_json(doc, ParseOptions())
    assert (info.value.line, info.value.column) == (3, 8)
    assert "line 3, column 8" in str(info.value)
    assert "hunter2" not in str(info.value)


def test_parse_error_is_permanent() -> None:
    """ParseError is a PermanentError, so retry policies never retry it."""
    with pytest.raises(PermanentError):
        parse_json("{", ParseOptions())


def test_rejects_input_over_max_size() -> None:
    """A document longer than max_size fails before any parsing."""
    with pytest.raises(ParseError, match="exceeds max_size=10"):
        parse_json(b"[" + b"1," * 20 + b"1]", ParseOptions(max_size=10))


def test_rejects_nesting_over_max_depth() -> None:
    """A document nested deeper than max_depth fails; one at the limit passes."""
    options = ParseOptions(max_depth=3)
    assert parse_json("[[[1]]]", options) == [[[1]]]
    assert parse_json('[{"a": [1]}, [2], [3], {"b": {}}]', options)
    with pytest.raises(ParseError, match="max_depth=3"):
        parse_json("[[[[1]]]]", options)
    with pytest.raises(ParseError, match="max_depth=3"):
        parse_json('{"a": {"b": {"c": {"d": 1}}}}', options)


@pytest.mark.parametrize("depth", [1_025, 100_000, 1_000_000])
def test_deep_nesting_is_a_clean_parse_error(depth: int) -> None:
    """Pathologically deep nesting is a ParseError, never a RecursionError or a crash."""
    with pytest.raises(ParseError, match="nesting deeper"):
        parse_json(b"[" * depth + b"]" * depth, ParseOptions(max_depth=1024))
    with pytest.raises(ParseError):
        parse_json('{"a":' * depth, ParseOptions())


@pytest.mark.parametrize("data", [None, 42, {"a": 1}, ["x"]])
def test_rejects_non_text_input(data: object) -> None:
    """Anything but str or bytes fails with a ParseError naming the type."""
    with pytest.raises(ParseError, match=type(data).__name__):
        parse_json(data, ParseOptions())


def test_options_are_strict() -> None:
    """Unknown options and impossible limits are rejected when options are validated."""
    with pytest.raises(ValidationError):
        ParseOptions.model_validate({"max_sise": 10})
    with pytest.raises(ValidationError):
        ParseOptions(max_depth=5000)
    with pytest.raises(ValidationError):
        ParseOptions(max_size=0)


@given(json_values)
def test_canonical_dump_then_parse_round_trips(value: object) -> None:
    """Any JSON value survives canonical dumping and parsing unchanged."""
    parsed = parse_json(dump_json(value, DumpOptions()), ParseOptions())
    assert parsed == value


@pytest.mark.parametrize(
    ("options", "doc", "problem"),
    [
        (ParseOptions(max_depth=3), "[[[[1]]]]", "max_depth=3"),
        (ParseOptions(max_depth=1), "[[]]", "max_depth=1"),
        (ParseOptions(max_size=4), "[1,2]", "max_size=4"),
        (ParseOptions(), "[1,]", "line 1, column 3"),
    ],
)
def test_component_enforces_limits_on_short_documents(
    ctx: StepContext, options: ParseOptions, doc: str, problem: str
) -> None:
    """The component's shortcut for short documents still enforces every limit."""
    with pytest.raises(ParseError, match=re.escape(problem)):
        JsonParser(options).process(doc, ctx)
    with pytest.raises(ParseError, match=re.escape(problem)):
        JsonParser(options).process(doc.encode(), ctx)
