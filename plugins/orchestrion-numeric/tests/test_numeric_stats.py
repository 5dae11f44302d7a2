"""numeric.stats: summary statistics of extracted numbers or plain lists."""

from __future__ import annotations

import statistics
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from orchestrion.exceptions import PermanentError
from orchestrion.testing import make_step_context
from orchestrion_numeric import ExtractOptions, Extractor, Stats, StatsOptions, Summariser

CTX = make_step_context("numeric.stats")


def stats(data: Any, **options: Any) -> Stats:
    """Run a summariser built from ``options`` on ``data``."""
    return Summariser(StatsOptions.model_validate(options)).process(data, CTX)


def test_summary_of_a_list() -> None:
    """count, sum, mean, min, max, deviation and percentiles of a list of numbers."""
    out = stats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], percentiles=[0, 10, 50, 90, 100])
    assert out["count"] == 10
    assert out["sum"] == 55
    assert out["mean"] == 5.5
    assert (out["min"], out["max"]) == (1, 10)
    assert out["stdev"] == pytest.approx(statistics.stdev(range(1, 11)))
    assert out["variance"] == pytest.approx(statistics.variance(range(1, 11)))
    assert out["percentiles"] == {"p0": 1, "p10": 1.9, "p50": 5.5, "p90": 9.1, "p100": 10}


def test_reads_the_output_of_extract() -> None:
    """The output of numeric.extract is summarised by its values."""
    extraction = Extractor(ExtractOptions()).process("3 apples, 4.5 pears and -1.5 plums", CTX)
    out = stats(extraction)
    assert (out["count"], out["sum"], out["min"], out["max"]) == (3, 6.0, -1.5, 4.5)


def test_records_with_values_are_accepted() -> None:
    """A list of records with a 'value' is summarised like a list of numbers."""
    assert stats([{"value": 2}, {"value": 4}])["mean"] == 3.0


def test_population_deviation_and_exclusive_quantiles() -> None:
    """deviation and method switch to pstdev/pvariance and exclusive quantiles."""
    data = [2, 4, 4, 4, 5, 5, 7, 9]
    out = stats(data, deviation="population", method="exclusive", percentiles=[25, 99.9])
    assert out["stdev"] == 2.0
    assert out["variance"] == 4.0
    cuts = statistics.quantiles(data, n=1000, method="exclusive")
    assert out["percentiles"] == {"p25": cuts[249], "p99.9": cuts[998]}


def test_empty_and_single_inputs() -> None:
    """No numbers gives zero count and no statistics; one number is every percentile."""
    empty = stats({"count": 0, "numbers": [], "truncated": False})
    assert empty["count"] == 0
    assert empty["sum"] == 0
    assert empty["mean"] is None
    assert empty["percentiles"]["p50"] is None
    one = stats([7])
    assert (one["mean"], one["stdev"], one["percentiles"]["p90"]) == (7.0, None, 7)
    assert stats(7, deviation="population")["stdev"] == 0.0


def test_float_sums_are_exact() -> None:
    """The sum of floats is correctly rounded (fsum), not accumulated naively."""
    assert stats([0.1] * 10)["sum"] == 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-1e9, 1e9) | st.integers(-(10**9), 10**9), min_size=2, max_size=50))
def test_percentiles_are_ordered_and_within_range(data: list[float]) -> None:
    """Percentiles never decrease and lie between the minimum and the maximum."""
    out = stats(data, percentiles=[0, 1, 25, 50, 75, 99, 99.9, 100])
    got = list(out["percentiles"].values())
    assert got == sorted(got)  # type: ignore[type-var]
    assert got[0] == min(data)
    assert got[-1] == max(data)
    assert out["min"] <= out["mean"] <= out["max"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("text", "not a number"),
        ([1, "2"], "item 1 is a str"),
        ([1, True], "item 1 is a bool"),
        ([1.0, float("nan")], "finite"),
        ([{"v": 1}], "no 'value'"),
        ({"other": []}, "numeric.extract"),
        ({"numbers": 5}, "not a list"),
        ([10**400, 1], "cannot summarise"),
    ],
)
def test_bad_input_is_a_permanent_error(data: Any, message: str) -> None:
    """What is not a list of finite numbers fails the step without retries."""
    with pytest.raises(PermanentError, match=message):
        stats(data)


@pytest.mark.parametrize(
    "options",
    [{"percentiles": [101]}, {"percentiles": [12.34]}, {"percentiles": [50, 50]}, {"x": 1}],
)
def test_bad_options_are_rejected(options: dict[str, Any]) -> None:
    """Percentiles outside 0..100, finer than 0.1 or repeated are rejected."""
    with pytest.raises(ValidationError):
        StatsOptions.model_validate(options)
