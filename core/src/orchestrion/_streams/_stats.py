"""Per-stream statistics: counters, throughput and latency percentiles.

Latencies go into a fixed-size ring (the most recent :data:`RESERVOIR`
records), so the memory a stream's statistics need is constant however long it
runs; percentiles are computed from the ring when a snapshot is taken, never
per record.
"""

from __future__ import annotations

from array import array
from time import perf_counter
from typing import Any

__all__ = ["RESERVOIR", "StreamStats", "StreamStatsCollector"]

#: How many recent latencies the percentiles are computed from.
RESERVOIR = 4096


class StreamStats:
    """A snapshot of a stream's statistics (read with :attr:`Stream.stats`).

    ``records_in``: records taken from the source; ``records_out``: results
    taken by the consumer; ``errors``: failed records; ``dead_lettered``:
    failed records handed to the dead-letter sink; ``in_flight``: records being
    processed now; ``throughput``: results per second since the stream began;
    ``p50``/``p95``/``p99``: processing latency in seconds over the most recent
    records (``None`` before the first); ``elapsed``: seconds since the start;
    ``resumed_after``: the offset a named stream resumed after (``None`` when
    it started from the beginning).
    """

    __slots__ = (
        "dead_lettered",
        "elapsed",
        "errors",
        "in_flight",
        "p50",
        "p95",
        "p99",
        "records_in",
        "records_out",
        "resumed_after",
        "throughput",
    )

    def __init__(self, **values: Any) -> None:
        for key in self.__slots__:
            setattr(self, key, values[key])

    def as_dict(self) -> dict[str, Any]:
        """The snapshot as a JSON-compatible mapping (the ``stream.stats`` event data)."""
        return {key: getattr(self, key) for key in self.__slots__}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__)
        return f"StreamStats({inner})"


def _percentile(ordered: list[float], q: float) -> float:
    # Nearest-rank: a value that was really observed.
    index = min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))
    return ordered[index]


class StreamStatsCollector:
    """The live counters of one stream; the stream updates them, readers call
    :meth:`snapshot`."""

    __slots__ = (
        "_latencies",
        "_next",
        "dead_lettered",
        "errors",
        "in_flight",
        "records_in",
        "records_out",
        "resumed_after",
        "started",
    )

    def __init__(self) -> None:
        self.records_in = 0
        self.records_out = 0
        self.errors = 0
        self.dead_lettered = 0
        self.in_flight = 0
        self.resumed_after: int | None = None
        self.started = perf_counter()
        self._latencies = array("d")
        self._next = 0

    def latency(self, seconds: float) -> None:
        """Record one record's processing time."""
        ring = self._latencies
        if len(ring) < RESERVOIR:
            ring.append(seconds)
        else:
            ring[self._next] = seconds
            self._next = (self._next + 1) % RESERVOIR

    def snapshot(self) -> StreamStats:
        """The statistics now."""
        elapsed = perf_counter() - self.started
        ordered = sorted(self._latencies)
        p50 = p95 = p99 = None
        if ordered:
            p50, p95, p99 = (_percentile(ordered, q) for q in (0.5, 0.95, 0.99))
        return StreamStats(
            records_in=self.records_in,
            records_out=self.records_out,
            errors=self.errors,
            dead_lettered=self.dead_lettered,
            in_flight=self.in_flight,
            throughput=self.records_out / elapsed if elapsed > 0 else 0.0,
            p50=p50,
            p95=p95,
            p99=p99,
            elapsed=elapsed,
            resumed_after=self.resumed_after,
        )
