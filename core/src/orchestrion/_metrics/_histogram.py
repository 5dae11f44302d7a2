"""A latency histogram over fixed log-scale buckets: cheap to feed, mergeable,
and good enough for p50/p95/p99.

Bucket upper bounds double from 1 µs to about 17.9 minutes (31 bounds, then
``+Inf``). Recording is one ``bisect`` over a tuple; quantiles interpolate
geometrically inside the bucket that holds the rank and are clamped to the
observed minimum and maximum, so a quantile of durations of 1 µs or more is
never off by more than the bucket's factor of two (and is exact when every
sample is equal).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence

__all__ = ["BOUNDS", "Histogram", "quantile"]

#: Bucket upper bounds in seconds (``le``), 1 µs * 2**k for k in 0..30.
BOUNDS: tuple[float, ...] = tuple(1e-6 * 2**k for k in range(31))


class Histogram:
    """Counts of observed durations (seconds) per bucket of :data:`BOUNDS`,
    plus count, sum, min and max. Not thread-safe: its owner locks."""

    __slots__ = ("counts", "max", "min", "sum")

    def __init__(self) -> None:
        # One slot per bound, and a last one for values above the largest bound.
        self.counts = [0] * (len(BOUNDS) + 1)
        self.sum = 0.0
        self.min = math.inf
        self.max = 0.0

    @property
    def count(self) -> int:
        """Observations so far (summed from the buckets: recording stays cheap)."""
        return sum(self.counts)

    def observe(self, seconds: float, weight: int = 1) -> None:
        """Count one duration (negative values count as 0), ``weight`` times.

        Hot callers may inline the same four updates (see the collector)."""
        if seconds < 0.0:
            seconds = 0.0
        self.counts[bisect_left(BOUNDS, seconds)] += weight
        self.sum += seconds * weight
        if seconds < self.min:
            self.min = seconds
        if seconds > self.max:
            self.max = seconds

    def merge(self, other: Histogram) -> None:
        """Add ``other``'s counts to this histogram."""
        for i, n in enumerate(other.counts):
            self.counts[i] += n
        self.sum += other.sum
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)

    def quantile(self, q: float) -> float | None:
        """The ``q`` quantile (0..1) in seconds; ``None`` when empty."""
        if not any(self.counts):
            return None
        return quantile(self.counts, q, low=self.min, high=self.max)


def quantile(counts: Sequence[int], q: float, *, low: float, high: float) -> float:
    """The ``q`` quantile of bucket ``counts`` (one per :data:`BOUNDS` entry and
    one overflow), interpolated geometrically within its bucket and clamped to
    the observed range ``[low, high]``."""
    if not 0 <= q <= 1:
        msg = f"quantile must be between 0 and 1, got {q}"
        raise ValueError(msg)
    total = sum(counts)
    rank = q * total
    seen = 0
    for i, n in enumerate(counts):
        if not n or seen + n < rank:
            seen += n
            continue
        lower = BOUNDS[i - 1] if i > 0 else min(low, BOUNDS[0])
        upper = BOUNDS[i] if i < len(BOUNDS) else max(high, BOUNDS[-1])
        lower, upper = max(lower, low), min(upper, high)
        if lower <= 0 or upper <= lower:
            return min(max(upper, low), high)
        fraction = (rank - seen) / n
        return float(lower * (upper / lower) ** fraction)
    return high
