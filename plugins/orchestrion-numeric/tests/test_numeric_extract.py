"""numeric.extract: numbers from text, bytes and structures, with pointers and offsets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from orchestrion.exceptions import ParseError, PermanentError
from orchestrion.testing import make_step_context
from orchestrion_numeric import Extraction, ExtractOptions, Extractor

CTX = make_step_context("numeric.extract")


def extract(data: Any, **options: Any) -> Extraction:
    """Run an extractor built from ``options`` on ``data``."""
    return Extractor(ExtractOptions.model_validate(options)).process(data, CTX)


def test_text_numbers_have_offsets_and_an_empty_pointer() -> None:
    """In text input every number carries its offsets into the text."""
    text = "Costs rose 12% to 1,250.50."
    out = extract(text)
    assert out["count"] == 2
    assert out["truncated"] is False
    assert [(n["value"], n["kind"], n["pointer"]) for n in out["numbers"]] == [
        (12, "percent", ""),
        (1250.5, "decimal", ""),
    ]
    for n in out["numbers"]:
        assert text[n["start"] : n["end"]] == n["text"]


def test_structures_give_json_pointers_in_document_order() -> None:
    """Numeric values get their JSON Pointer; numbers in strings also get offsets."""
    doc = {"a": 1, "b": [2.5, {"c/d": -3}], "e~f": "about 40 %", "flag": True, "none": None}
    out = extract(doc)
    got = [(n["pointer"], n["value"], n.get("start")) for n in out["numbers"]]
    assert got == [("/a", 1, None), ("/b/0", 2.5, None), ("/b/1/c~1d", -3, None), ("/e~0f", 40, 6)]


def test_pointer_limits_the_search() -> None:
    """With pointer only that part is searched, and pointers stay absolute."""
    doc = {"skip": [1, 2], "take": {"x": [7, "8 and 9"]}}
    out = extract(doc, pointer="/take/x")
    assert [(n["pointer"], n["value"]) for n in out["numbers"]] == [
        ("/take/x/0", 7),
        ("/take/x/1", 8),
        ("/take/x/1", 9),
    ]


def test_sources_can_be_switched_off() -> None:
    """json_numbers and parse_strings choose between values and numbers in text."""
    doc = {"n": 5, "s": "12 and 13"}
    assert [n["value"] for n in extract(doc, parse_strings=False)["numbers"]] == [5]
    assert [n["value"] for n in extract(doc, json_numbers=False)["numbers"]] == [12, 13]


def test_chunks_are_read_as_text_at_their_offset() -> None:
    """A chunk from chunking.split yields numbers with offsets into the original source."""
    source = "Intro. The value is 42 and the other is 7.5."
    chunk = {"index": 1, "text": source[7:], "start": 7, "end": len(source), "pointer": "/body"}
    out = extract(chunk)
    assert [(n["value"], n["pointer"]) for n in out["numbers"]] == [(42, "/body"), (7.5, "/body")]
    for n in out["numbers"]:
        assert source[n["start"] : n["end"]] == n["text"]


def test_other_numeric_types_and_non_finite_values() -> None:
    """Decimals count as decimals; NaN and infinities in a structure are not numbers."""
    out = extract([Decimal("1.5"), float("nan"), float("inf"), 2])
    assert [(n["value"], n["kind"]) for n in out["numbers"]] == [(1.5, "decimal"), (2, "integer")]


def test_a_lone_number_is_its_own_result() -> None:
    """A bare number input is reported at the empty pointer."""
    assert extract(3.5)["numbers"] == [
        {"value": 3.5, "text": "3.5", "kind": "decimal", "pointer": ""}
    ]


def test_bytes_are_decoded_and_bad_bytes_fail_cleanly() -> None:
    """UTF-8 bytes are read as text; invalid bytes are a ParseError with a position."""
    assert [n["value"] for n in extract("größe 12".encode())["numbers"]] == [12]
    with pytest.raises(ParseError, match="byte 3") as info:
        extract(b"ab\n\xff 1")
    assert (info.value.line, info.value.column) == (2, 1)


def test_max_numbers_truncates_and_says_so() -> None:
    """The output stops at max_numbers and is flagged truncated."""
    out = extract(" ".join(str(i) for i in range(100)), max_numbers=10)
    assert out["count"] == 10
    assert out["truncated"] is True
    assert [n["value"] for n in out["numbers"]] == list(range(10))


def test_deep_nesting_is_walked_without_recursion() -> None:
    """A structure nested far deeper than the recursion limit is still walked."""
    doc: Any = 1
    for _ in range(50_000):
        doc = [doc]
    assert extract(doc)["count"] == 1


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        (None, {}, "takes text"),
        (object(), {}, "takes text"),
        ({"a": 1}, {"pointer": "/b"}, "nothing at '/b'"),
        ([1], {"pointer": "/01"}, "nothing at '/01'"),
        ({"a": "x"}, {"pointer": "/a/b"}, "nothing at '/a/b'"),
    ],
)
def test_bad_input_is_a_permanent_error(data: Any, options: dict[str, Any], message: str) -> None:
    """Input that has no place to look for numbers fails the step without retries."""
    with pytest.raises(PermanentError, match=message):
        extract(data, **options)


@pytest.mark.parametrize(
    "options",
    [
        {"pointer": "a"},
        {"decimal_separator": ",", "thousands_separator": ","},
        {"thousands_separator": "|"},
        {"max_numbers": 0},
        {"unknown": 1},
    ],
)
def test_bad_options_are_rejected(options: dict[str, Any]) -> None:
    """Invalid or unknown options fail validation."""
    with pytest.raises(ValidationError):
        ExtractOptions.model_validate(options)
