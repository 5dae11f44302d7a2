"""Streams (issue 8): records/s through parse -> validate, and peak memory.

* throughput: 100,000 small JSON records (~150 bytes, as in the ``plugins``
  suite) as bytes through ``Orchestrator.stream`` with the workflow
  ``json.parse`` -> ``validator.schema``, on one core: the batched fast path
  (``batch=64``), ordered and unordered, and the one-by-one engine path (an
  engine run per record, on 5,000 records) for comparison. Every record is
  checked to succeed.
* memory: a generated JSON Lines file of ``--size-mb`` MB (default 1,024) in
  the temp directory is streamed in a fresh process the way ``orchestrion
  stream`` reads it (lines read in batches in a worker thread) through the same
  workflow; the process's peak RSS (``resource.getrusage``) is reported beside
  its RSS before streaming. Budget: peak RSS < 200 MB, >= 50,000 records/s.

Run ``python bench/streams/bench_stream.py [--runs N] [--size-mb MB]`` or
``python bench/run.py streams`` (size from ``BENCH_STREAM_MB``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
from _harness import Report, Result

# The same records and schema as the plugins suite, so the two compare directly.
from bench_parse_validate import SCHEMA, make_records

from orchestrion import Orchestrator

RECORDS = 100_000
ENGINE_RECORDS = 5_000
WORKFLOW = {
    "name": "parse-validate",
    "steps": {
        "parse": {"component": "json.parse"},
        "validate": {
            "component": "validator.schema",
            "options": {"inline": SCHEMA},
            "depends_on": ["parse"],
        },
    },
}
FAST = {"batch": 64, "concurrency": 2, "buffer": 256}


async def _stream_all(orch: Orchestrator, records: Any, **kwargs: Any) -> tuple[int, int]:
    done = failed = 0
    async with orch.stream(records, workflow=WORKFLOW, **kwargs) as results:
        async for result in results:
            done += 1
            failed += not result.ok
    return done, failed


def _throughput(runs: int) -> list[Result]:
    records = make_records(RECORDS)
    cases: dict[str, tuple[list[bytes], dict[str, Any]]] = {
        "stream, batch=64, ordered": (records, FAST),
        "stream, batch=64, unordered": (records, {**FAST, "ordered": False}),
        "stream, engine run per record": (records[:ENGINE_RECORDS], {"concurrency": 16}),
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}

    async def main() -> None:
        async with Orchestrator(state="memory") as orch:
            for _ in range(runs + 1):  # the first pass warms up
                for name, (data, kwargs) in cases.items():
                    t0 = time.perf_counter()
                    done, failed = await _stream_all(orch, data, **kwargs)
                    elapsed = time.perf_counter() - t0
                    if (done, failed) != (len(data), 0):
                        msg = f"{name}: {done} results, {failed} failed"
                        raise AssertionError(msg)
                    if _ > 0:
                        samples[name].append(elapsed / len(data))  # seconds per record

    anyio.run(main)
    return [Result(name, s) for name, s in samples.items()]


def write_jsonl(path: Path, size_mb: int) -> int:
    """Write about ``size_mb`` MB of records to ``path``; how many records."""
    block_records = make_records(10_000, seed=11)
    block = b"\n".join(block_records) + b"\n"
    target = size_mb * 1024 * 1024
    written = count = 0
    with path.open("wb") as f:
        while written < target:
            f.write(block)
            written += len(block)
            count += len(block_records)
    return count


def _rss_mb() -> float:
    # Peak RSS in MB. Linux keeps ru_maxrss across execve, so a child started by
    # a big parent would report the parent's peak: the memory run is started
    # first, and /proc's VmHWM (reset by exec) is read when it exists.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def memory_child(path: Path) -> dict[str, Any]:
    """Stream the file at ``path`` in this process; numbers as a mapping."""
    from orchestrion._cli._stream import _lines

    async def main() -> dict[str, Any]:
        async with Orchestrator(state="memory") as orch:
            before = _rss_mb()
            t0 = time.perf_counter()
            with path.open("rb") as f:
                done, failed = await _stream_all(orch, _lines(f), **FAST)
            elapsed = time.perf_counter() - t0
        return {
            "getrusage_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "records": done,
            "failed": failed,
            "seconds": elapsed,
            "records_per_s": done / elapsed,
            "rss_before_mb": before,
            "peak_rss_mb": _rss_mb(),
        }

    return anyio.run(main)


def memory(size_mb: int) -> dict[str, Any]:
    """Generate the file, stream it in a fresh process, remove the file."""
    with tempfile.TemporaryDirectory(prefix="orchestrion-bench-") as tmp:
        path = Path(tmp) / "records.jsonl"
        expected = write_jsonl(path, size_mb)
        size = path.stat().st_size
        proc = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        found: dict[str, Any] = json.loads(proc.stdout)
    found.update(file_mb=size / 1024 / 1024, expected=expected)
    if (found["records"], found["failed"]) != (expected, 0):
        msg = f"memory run: {found['records']} of {expected} records, {found['failed']} failed"
        raise AssertionError(msg)
    return found


class StreamReport(Report):
    """Throughput in records/s, plus the memory run's figures."""

    def table(self) -> str:
        """Median and best records/s per case."""
        lines = [
            "| what | median records/s | best records/s | µs/record | IQR/median | runs |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {r.name} | {1 / r.median:,.0f} | {1 / r.best:,.0f} | {r.median * 1e6:.2f} "
            f"| {r.spread:.0%} | {len(r.samples)} |"
            for r in self.results
        ]
        return "\n".join(lines)


def run(runs: int, size_mb: int | None = None) -> Report:
    """Both measurements; ``size_mb`` defaults to ``BENCH_STREAM_MB`` or 1,024."""
    if size_mb is None:
        size_mb = int(os.environ.get("BENCH_STREAM_MB", "1024"))
    mem = memory(size_mb)  # first, while this process is small (see _rss_mb)
    results = _throughput(runs)
    return StreamReport(
        title=(
            f"Streams: parse -> validate, {RECORDS:,} records of ~150 bytes, one core; "
            f"memory over a {mem['file_mb']:,.0f} MB JSON Lines file"
        ),
        results=results,
        notes=[
            f"Memory: {mem['records']:,} records ({mem['file_mb']:,.0f} MB) streamed in "
            f"{mem['seconds']:.1f} s ({mem['records_per_s']:,.0f} records/s, batch=64); "
            f"RSS {mem['rss_before_mb']:.0f} MB before streaming, "
            f"**peak RSS {mem['peak_rss_mb']:.0f} MB** (VmHWM; getrusage ru_maxrss "
            f"{mem['getrusage_peak_mb']:.0f} MB) (budget < 200 MB).",
        ],
    )


def main() -> None:
    """Command line: the report, or (internally) the memory child."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child is not None:
        print(json.dumps(memory_child(args.memory_child)))
        return
    print(run(args.runs, args.size_mb).render())


if __name__ == "__main__":
    main()
