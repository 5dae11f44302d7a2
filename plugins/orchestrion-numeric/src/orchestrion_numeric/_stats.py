"""The ``numeric.stats`` component: summary statistics with the ``statistics`` module."""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypedDict

from orchestrion import StepContext
from orchestrion.exceptions import PermanentError

from ._options import StatsOptions

__all__ = ["Stats", "Summariser", "percentile_key", "values_of"]

# statistics.quantiles cut points per call: 1000 gives every multiple of 0.1.
_CUTS = 1000


class Stats(TypedDict):
    """The output of ``numeric.stats``. Everything but ``count`` and ``sum`` is
    ``None`` when there are too few values (none; or one, for a sample's
    deviation)."""

    count: int
    sum: int | float
    mean: float | None
    min: int | float | None
    max: int | float | None
    stdev: float | None
    variance: float | None
    percentiles: dict[str, int | float | None]


def percentile_key(p: float) -> str:
    """The output key of percentile ``p``: ``p50``, ``p99.9``."""
    return f"p{p:g}"


def _number(value: Any, where: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | Fraction):
        msg = f"{where} is a {type(value).__name__}, not a number; numeric.stats takes numbers"
        raise PermanentError(msg)
    if isinstance(value, int):
        return value
    as_float = float(value)
    if not math.isfinite(as_float):
        msg = f"{where} is {as_float}; numeric.stats takes finite numbers only"
        raise PermanentError(msg)
    return as_float


def values_of(data: Any) -> list[int | float]:
    """The numbers to summarise: the output of ``numeric.extract`` (a mapping with
    ``numbers``), a list of numbers or of records with a ``value``, or one number."""
    if isinstance(data, Mapping):
        if "numbers" not in data:
            msg = (
                "numeric.stats takes the output of numeric.extract (a mapping with 'numbers') "
                f"or a list of numbers; got a mapping with keys {sorted(map(str, data))[:5]}"
            )
            raise PermanentError(msg)
        data = data["numbers"]
        if not isinstance(data, Sequence) or isinstance(data, str | bytes):
            msg = f"'numbers' is a {type(data).__name__}, not a list"
            raise PermanentError(msg)
    if isinstance(data, Sequence) and not isinstance(data, str | bytes | bytearray):
        out: list[int | float] = []
        for i, item in enumerate(data):
            if isinstance(item, Mapping):
                if "value" not in item:
                    msg = f"item {i} has no 'value'; give numbers or numeric.extract records"
                    raise PermanentError(msg)
                out.append(_number(item["value"], f"item {i} value"))
            else:
                out.append(_number(item, f"item {i}"))
        return out
    return [_number(data, "the input")]


class Summariser:
    """Summarises numbers: count, sum, mean, min, max, standard deviation,
    variance and percentiles.

    ``process`` is synchronous (sorting and exact sums are CPU work).
    """

    def __init__(self, options: StatsOptions) -> None:
        self.options = options

    def summarise(self, values: Sequence[int | float]) -> Stats:
        """The statistics of ``values``."""
        opts = self.options
        count = len(values)
        total: int | float = (
            sum(values) if all(isinstance(v, int) for v in values) else math.fsum(values)
        )
        empty: dict[str, int | float | None] = {percentile_key(p): None for p in opts.percentiles}
        if count == 0:
            return Stats(
                count=0, sum=0, mean=None, min=None, max=None, stdev=None, variance=None,
                percentiles=empty,
            )  # fmt: skip
        low, high = min(values), max(values)
        if opts.deviation == "sample":
            stdev = statistics.stdev(values) if count > 1 else None
            variance = statistics.variance(values) if count > 1 else None
        else:
            stdev, variance = statistics.pstdev(values), statistics.pvariance(values)
        return Stats(
            count=count,
            sum=total,
            # fmean can round an ulp outside the data ([0.05] * 3); the true mean cannot.
            mean=min(max(statistics.fmean(values), low), high),
            min=low,
            max=high,
            stdev=None if stdev is None else float(stdev),
            variance=None if variance is None else float(variance),
            percentiles=self._percentiles(values, low, high),
        )

    def _percentiles(
        self, values: Sequence[int | float], low: int | float, high: int | float
    ) -> dict[str, int | float | None]:
        wanted = self.options.percentiles
        cuts: list[float] = []
        if len(values) > 1 and any(0 < p < 100 for p in wanted):
            raw = statistics.quantiles(values, n=_CUTS, method=self.options.method)
            # Interpolating between equal values can round an ulp off; keep the
            # cut points ordered (and, for 'inclusive', inside the data: only
            # 'exclusive' extrapolates on purpose).
            cuts = list(itertools.accumulate(raw, max))
            if self.options.method == "inclusive":
                cuts = [min(max(c, low), high) for c in cuts]
        out: dict[str, int | float | None] = {}
        for p in wanted:
            if p == 0:
                out[percentile_key(p)] = low
            elif p == 100:
                out[percentile_key(p)] = high
            elif not cuts:
                out[percentile_key(p)] = values[0]  # one value is every percentile
            else:
                out[percentile_key(p)] = cuts[round(p * _CUTS / 100) - 1]
        return out

    def process(self, data: Any, ctx: StepContext) -> Stats:
        """Summarise the numbers in ``data`` (see :func:`values_of`)."""
        values = values_of(data)
        try:
            return self.summarise(values)
        except (OverflowError, statistics.StatisticsError) as exc:
            msg = f"cannot summarise {len(values)} numbers: {exc}"
            raise PermanentError(msg) from None
