"""The latency histogram: fixed log-scale buckets and their quantiles."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestrion._metrics._histogram import BOUNDS, Histogram

durations = st.lists(
    st.floats(min_value=1e-6, max_value=100.0, allow_nan=False), min_size=1, max_size=200
)


def exact(values: list[float], q: float) -> float:
    """The nearest-rank ``q`` quantile of ``values``."""
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)]


def test_bounds_double_from_a_microsecond() -> None:
    """Bucket bounds are 1 µs times powers of two, strictly increasing."""
    assert BOUNDS[0] == pytest.approx(1e-6)
    assert all(b == pytest.approx(2 * a) for a, b in itertools.pairwise(BOUNDS))


def test_empty_histogram_has_no_quantiles() -> None:
    """With nothing observed, quantiles are None."""
    assert Histogram().quantile(0.5) is None


def test_equal_samples_give_exact_quantiles() -> None:
    """When every sample is equal, every quantile is that value (clamped to min/max)."""
    hist = Histogram()
    for _ in range(10):
        hist.observe(0.003)
    assert hist.quantile(0.5) == pytest.approx(0.003)
    assert hist.quantile(0.99) == pytest.approx(0.003)


def test_a_bad_quantile_is_refused() -> None:
    """Quantiles outside 0..1 raise ValueError."""
    hist = Histogram()
    hist.observe(1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        hist.quantile(1.5)


@given(durations, st.sampled_from([0.5, 0.95, 0.99]))
def test_quantiles_are_within_a_bucket_of_the_exact_value(values: list[float], q: float) -> None:
    """From 1 µs up, an estimate is within a factor of two of the exact quantile and in range."""
    hist = Histogram()
    for v in values:
        hist.observe(v)
    estimate = hist.quantile(q)
    assert estimate is not None
    assert min(values) <= estimate <= max(values)
    true = exact(values, q)
    assert true / 2.0001 <= estimate <= true * 2.0001


@given(durations, durations)
def test_merging_equals_observing_everything(a: list[float], b: list[float]) -> None:
    """Merging two histograms gives the histogram of all their samples."""
    left, right, both = Histogram(), Histogram(), Histogram()
    for v in a:
        left.observe(v)
        both.observe(v)
    for v in b:
        right.observe(v)
        both.observe(v)
    left.merge(right)
    assert (left.counts, left.count, left.min, left.max) == (
        both.counts,
        both.count,
        both.min,
        both.max,
    )
    assert left.sum == pytest.approx(both.sum)
