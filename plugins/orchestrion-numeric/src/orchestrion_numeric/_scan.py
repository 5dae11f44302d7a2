"""Finding numbers written in text.

One regular expression, built once per pair of separators, scans left to right.
Its first alternatives match things made of digits that are *not* quantities
(dates, times, versions, IP addresses, hexadecimal literals, ordinals); they
are consumed and dropped, so their parts are never reported as numbers. The
last alternative is a number:

- optional sign (``+``, ``-`` or the minus sign U+2212), directly before the digits;
- ASCII digits, optionally grouped by threes with the thousands separator;
- an optional fraction after the decimal separator (``.5`` alone is allowed);
- an optional exponent (``1e-3``, ``2.5E+10``);
- an optional ``%``, with at most one space before it.

A number must not follow a letter, digit, underscore or decimal separator
(``abc123``, ``H2O``), nor a letter and a hyphen (``COVID-19``, ``SHA-256``),
and must not run into more digits. Letters may follow (``10km``, ``5x``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

__all__ = ["Found", "number_pattern", "scan"]

Kind = Literal["integer", "decimal", "percent"]

# Integers are kept exact only while they fit a signed 64-bit integer, which
# is what JSON serialisers and databases downstream reliably accept.
_INT_MAX = 2**63 - 1

_SKIP = [
    # ISO dates, optionally with a time and zone: 2024-01-15, 2024-01-15T10:30:00Z
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?",
    # Slashed dates: 15/01/2024, 1/15/24, 2024/01/15
    r"[0-9]{1,4}/[0-9]{1,2}/[0-9]{1,4}",
    # Times: 10:30, 10:30:59, 10:30:59.123
    r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?",
    # Versions, IP addresses, dotted dates: 1.2.3, 192.168.0.1, 24.12.2024; v2, v1.2
    r"[vV]?[0-9]+(?:\.[0-9]+){2,}",
    r"[vV][0-9]+(?:\.[0-9]+)*",
    # Hexadecimal, binary and octal literals.
    r"0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+",
    # Ordinals: 1st, 22nd, 3rd, 4th.
    r"[0-9]+(?:st|nd|rd|th)\b",
]

# Before a token: not a word character or '.', and not a letter + hyphen.
_START = r"(?<![\w.])(?<![^\W\d_]-)"


def _group_pattern(sep: str) -> str:
    if sep == "none":
        return r"[0-9]+"
    sep_re = "[ \u00a0\u202f]" if sep == " " else re.escape(sep)
    return rf"[0-9]{{1,3}}(?:{sep_re}[0-9]{{3}})+(?![0-9])|[0-9]+"


@functools.cache
def number_pattern(decimal_separator: str, thousands_separator: str) -> re.Pattern[str]:
    """The compiled scanner for one pair of separators."""
    dec = re.escape(decimal_separator)
    number = (
        rf"(?P<sign>[-+\u2212](?=[0-9]|{dec}[0-9]))?"
        rf"(?:(?P<int>{_group_pattern(thousands_separator)})(?P<frac>{dec}[0-9]+)?"
        rf"|(?P<bare>{dec}[0-9]+))"
        r"(?![0-9])"
        r"(?P<exp>[eE][-+]?[0-9]+(?![0-9]))?"
        r"(?P<pct>[ \u00a0]?%)?"
    )
    skips = list(_SKIP)
    if thousands_separator == ".":
        # 1.234.567 is a grouped number here, not a version: a dotted run is
        # only skipped when it is not a complete three-digit grouping.
        grouped = r"[0-9]{1,3}(?:\.[0-9]{3})+(?![.0-9])"
        skips = [f"(?!{grouped}){s}" if r"(?:\.[0-9]+)" in s else s for s in skips]
    skip = "|".join(f"(?:{s})" for s in skips)
    return re.compile(rf"{_START}(?:(?P<skip>{skip})(?![0-9])|{number})")


@dataclass(frozen=True, slots=True)
class Found:
    """One number found in text: its value, kind and where it is written."""

    value: int | float
    text: str
    kind: Kind
    start: int
    end: int


def _value(
    match: re.Match[str], thousands: str, percent_as_fraction: bool
) -> tuple[int | float, Kind] | None:
    digits = match["int"] or ""
    if thousands != "none":
        digits = re.sub(r"[^0-9]", "", digits)
    fraction = (match["frac"] or match["bare"] or "")[1:]
    sign = "-" if match["sign"] in ("-", "\u2212") else ""
    literal = f"{sign}{digits or '0'}" + (f".{fraction}" if fraction else "")
    literal += match["exp"] or ""
    try:
        exact = Decimal(literal)
    except InvalidOperation:  # pragma: no cover - the pattern only admits valid literals
        return None
    integral = not fraction and not match["exp"]
    kind: Kind = "percent" if match["pct"] is not None else "integer" if integral else "decimal"
    if kind == "percent" and percent_as_fraction:
        exact, integral = exact / 100, False
    if integral and abs(exact) <= _INT_MAX:
        return int(exact), kind
    as_float = float(exact)
    if math.isinf(as_float):
        return None  # beyond the float range: not a usable quantity
    return as_float, kind


def scan(
    text: str,
    *,
    decimal_separator: str = ".",
    thousands_separator: str = ",",
    percent_as_fraction: bool = False,
) -> Iterator[Found]:
    """Yield the numbers written in ``text``, left to right (see the module docs)."""
    pattern = number_pattern(decimal_separator, thousands_separator)
    for match in pattern.finditer(text):
        if match["skip"] is not None:
            continue
        parsed = _value(match, thousands_separator, percent_as_fraction)
        if parsed is not None:
            value, kind = parsed
            yield Found(value, match.group(), kind, match.start(), match.end())
