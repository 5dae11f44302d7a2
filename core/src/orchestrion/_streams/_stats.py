"""Per-stream statistics: counters, throughput and latency percentiles.

Latencies go into a fixed-size ring (the most recent :data:`RESERVOIR`
records), so the memory a stream's statistics need is constant however long it
runs; percentiles are computed from the ring when a snapshot is taken, never
per record.
"""

from __future__ import annotations

from array import array
from dataclasses import asdict, dataclass
from time import perf_counter
from typing import Any

__all__ = ["RESERVOIR", "StreamStats", "StreamStatsCollector"]

#: How many recent latencies the percentiles are computed from.
RESERVOIR = 4096


@dataclass(frozen=True, slots=True)
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

    records_in: int
    records_out: int
    errors: int
    dead_lettered: int
    in_flight: int
    throughput: float
    p50: float | None
    p95: float | None
    p99: float | None
    elapsed: float
    resumed_after: int | None

    def as_dict(self) -> dict[str, Any]:
        """The snapshot as a JSON-compatible mapping (the ``stream.stats`` event data)."""
        return asdict(self)


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
