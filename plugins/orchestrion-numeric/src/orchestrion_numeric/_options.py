"""Options of ``numeric.extract`` and ``numeric.stats``, parameters of ``numeric.has_numbers``."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "DEFAULT_MIN_COUNT",
    "DEFAULT_MIN_RATIO",
    "ExtractOptions",
    "HasNumbersParams",
    "StatsOptions",
    "TextRules",
]

#: Fewest numbers that make data numeric (``numeric.has_numbers`` default).
DEFAULT_MIN_COUNT = 3
#: Smallest share of numbers among words (or leaves) that makes data numeric.
DEFAULT_MIN_RATIO = 0.05


class TextRules(BaseModel):
    """How numbers are written in text: the separators. Shared by
    ``numeric.extract`` and ``numeric.has_numbers``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decimal_separator: Literal[".", ","] = Field(
        default=".",
        description="The decimal mark: '.' (3.5) or ',' (3,5).",
    )
    thousands_separator: Literal[",", ".", " ", "'", "_", "none"] = Field(
        default=",",
        description=(
            "The digit-group separator: 1,234,567 with ','; 'none' turns grouping off. "
            "Groups must be exactly three digits; a space also matches a no-break or thin space."
        ),
    )

    @model_validator(mode="after")
    def _separators_differ(self) -> Self:
        if self.decimal_separator == self.thousands_separator:
            msg = (
                f"decimal_separator and thousands_separator are both "
                f"{self.decimal_separator!r}; pick different ones"
            )
            raise ValueError(msg)
        return self


class ExtractOptions(TextRules):
    """Options of ``numeric.extract``."""

    pointer: str = Field(
        default="",
        description=(
            "JSON Pointer (RFC 6901) to the part of a structured input to search; "
            "'' searches the whole input."
        ),
    )
    parse_strings: bool = Field(
        default=True,
        description="Find numbers written inside text (and inside the strings of a structure).",
    )
    json_numbers: bool = Field(
        default=True,
        description="Take the numeric values (not booleans) of a structure as numbers.",
    )
    percent_as_fraction: bool = Field(
        default=False,
        description="Report '45%' as 0.45 instead of 45 (its kind is 'percent' either way).",
    )
    max_numbers: int = Field(
        default=1_000_000,
        ge=1,
        description=(
            "Stop after this many numbers; the output then says truncated=true. "
            "Bounds the output of a huge input."
        ),
    )

    @field_validator("pointer")
    @classmethod
    def _is_pointer(cls, value: str) -> str:
        if value and not value.startswith("/"):
            msg = f"pointer {value!r} must be empty or start with '/' (RFC 6901)"
            raise ValueError(msg)
        return value


class StatsOptions(BaseModel):
    """Options of ``numeric.stats``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    percentiles: tuple[float, ...] = Field(
        default=(25.0, 50.0, 75.0, 90.0, 95.0, 99.0),
        description=(
            "Percentiles to report, from 0 (the minimum) to 100 (the maximum), "
            "in steps of 0.1; each is reported under its name, e.g. 'p50' or 'p99.9'."
        ),
    )
    method: Literal["inclusive", "exclusive"] = Field(
        default="inclusive",
        description=(
            "statistics.quantiles method: 'inclusive' treats the data as the whole "
            "population (linear interpolation between order statistics); 'exclusive' "
            "as a sample of a larger one."
        ),
    )
    deviation: Literal["sample", "population"] = Field(
        default="sample",
        description=(
            "Standard deviation and variance of a sample (n - 1 divisor, "
            "statistics.stdev) or of a whole population (n divisor, statistics.pstdev)."
        ),
    )

    @field_validator("percentiles")
    @classmethod
    def _in_steps_of_a_tenth(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        for p in value:
            if not 0 <= p <= 100:
                msg = f"percentile {p} is outside 0..100"
                raise ValueError(msg)
            if abs(p * 10 - round(p * 10)) > 1e-9:
                msg = f"percentile {p} is not a multiple of 0.1"
                raise ValueError(msg)
        if len(set(value)) != len(value):
            msg = "percentiles must not repeat"
            raise ValueError(msg)
        return value


class HasNumbersParams(TextRules):
    """Parameters of the ``numeric.has_numbers`` condition."""

    min_count: int = Field(
        default=DEFAULT_MIN_COUNT,
        ge=1,
        description="At least this many numbers must be found.",
    )
    min_ratio: float = Field(
        default=DEFAULT_MIN_RATIO,
        ge=0,
        le=1,
        description=(
            "And they must be at least this share of the words of a text (whitespace-"
            "separated) or of the leaves of a structure, so a few numbers in long prose "
            "do not count."
        ),
    )
    sample: int = Field(
        default=65_536,
        ge=1,
        description="Only the first this-many characters of text are looked at.",
    )
