"""Numbers written in text: what counts as a number, its value and where it is."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrion_numeric import scan


def values(text: str, **rules: object) -> list[int | float]:
    """The values ``scan`` finds in ``text``."""
    return [f.value for f in scan(text, **rules)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", [42]),
        ("-7 and +3", [-7, 3]),
        ("\u22124 with a minus sign", [-4]),
        ("3.14159", [3.14159]),
        (".5 and -.25", [0.5, -0.25]),
        ("1,234,567 people", [1234567]),
        ("$1,250.50 each", [1250.5]),
        ("6.022e23 and 1E-3 and 2.5E+10", [6.022e23, 0.001, 2.5e10]),
        ("grew 12% then 4.5 %", [12, 4.5]),
        ("items 1,2,3", [1, 2, 3]),
        ("1,2345 is not grouped", [1, 2345]),
        ("pages 10-20", [10, 20]),
        ("(5-3)", [5, 3]),
        ("10km and 5x faster", [10, 5]),
        ("ends with 7.", [7]),
    ],
)
def test_numbers_are_recognised(text: str, expected: list[int | float]) -> None:
    """Integers, decimals, signs, exponents, grouping and percentages parse to their values."""
    assert values(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "on 2024-03-01",
        "at 2024-03-01T10:30:00Z",
        "on 15/01/2024",
        "at 10:30 or 23:59:59",
        "version 1.2.3 or v2 or v1.2",
        "host 192.168.0.1",
        "on 24.12.2024",
        "mask 0xFF, 0b1010, 0o17",
        "the 1st, 2nd, 3rd and 22nd",
        "H2O and abc123 and x_9",
        "COVID-19 and SHA-256",
        "1e999 overflows",
    ],
)
def test_things_that_are_not_quantities_are_skipped(text: str) -> None:
    """Dates, times, versions, addresses, literals, ordinals and identifiers yield nothing."""
    assert values(text) == []


def test_kinds_and_literals_are_reported() -> None:
    """Each number says whether it is an integer, a decimal or a percentage, as written."""
    found = [(f.kind, f.text) for f in scan("3 and 3.0 and 3e2 and 30 %")]
    assert found == [("integer", "3"), ("decimal", "3.0"), ("decimal", "3e2"), ("percent", "30 %")]


def test_offsets_point_at_the_literal() -> None:
    """start and end slice the text to the number as written."""
    text = "Revenue: $1,250.50 (up 12%), costs -3.5e2."
    for f in scan(text):
        assert text[f.start : f.end] == f.text


def test_percent_as_fraction() -> None:
    """With percent_as_fraction a percentage is reported divided by 100."""
    assert values("45% and 12.5%", percent_as_fraction=True) == [0.45, 0.125]


def test_values_are_parsed_exactly() -> None:
    """Decimals are rounded once, from their exact value, like float() of the literal."""
    assert values("0.1 and 123456789.123456789") == [0.1, 123456789.123456789]
    assert values("9007199254740993") == [9007199254740993]


def test_integers_beyond_64_bits_become_floats() -> None:
    """Integers too big for a signed 64-bit value are reported as floats."""
    assert values("123456789012345678901234567890") == [1.2345678901234568e29]


EUROPEAN = {"decimal_separator": ",", "thousands_separator": "."}
FRENCH = {"decimal_separator": ",", "thousands_separator": " "}


@pytest.mark.parametrize(
    ("text", "rules", "expected"),
    [
        ("1.234.567,89 and 3,5 %", EUROPEAN, [1234567.89, 3.5]),
        ("on 24.12.2024, v1.2.3", EUROPEAN, []),
        ("1 000 000 and 2\u00a0500,5", FRENCH, [1000000, 2500.5]),
        ("1'000'000", {"thousands_separator": "'"}, [1000000]),
        ("1_000", {"thousands_separator": "_"}, [1000]),
        ("1,000", {"thousands_separator": "none"}, [1, 0]),
    ],
)  # fmt: skip
def test_separators_are_configurable(
    text: str, rules: dict[str, str], expected: list[int | float]
) -> None:
    """Other decimal and thousands separators parse European and Swiss formats."""
    assert values(text, **rules) == expected


@settings(max_examples=300, deadline=None)
@given(
    number=st.decimals(
        min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=3, allow_nan=False
    ),
    grouped=st.booleans(),
    before=st.sampled_from(["", "about ", "(", "= ", "$", "\n"]),
    after=st.sampled_from(["", " units", ")", ".", ", then", "km"]),
)
def test_formatted_numbers_round_trip(
    number: Decimal, grouped: bool, before: str, after: str
) -> None:
    """A number formatted with or without grouping is found once, with its value and offsets."""
    literal = f"{number:,f}" if grouped else f"{number:f}"
    text = f"{before}{literal}{after}"
    found = list(scan(text))
    assert len(found) == 1
    assert found[0].value == float(number)
    assert text[found[0].start : found[0].end] == literal


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("0123456789.,-+e%: /vx_aT\u2212\u00a0")), max_size=60
    )
)
def test_offsets_always_slice_to_the_literal(text: str) -> None:
    """Whatever the text, every number found is exactly the text between its offsets."""
    for f in scan(text):
        assert text[f.start : f.end] == f.text
        assert isinstance(f.value, int | float)
