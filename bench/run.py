"""Benchmark harness: ``python bench/run.py [SUITE ...] [--runs N]``.

A suite is a folder of ``bench/`` (``startup``); each ``bench_*.py`` in it
defines ``run(runs: int) -> Report``. With no suite named, all of them run.
Results print as Markdown, ready for ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # so benchmarks can import _harness

from _harness import Report  # noqa: E402 - needs the path set above


def suites() -> dict[str, list[Path]]:
    """Every suite folder and its benchmark files, sorted."""
    found: dict[str, list[Path]] = {}
    for path in sorted(HERE.glob("*/bench_*.py")):
        found.setdefault(path.parent.name, []).append(path)
    return found


def load(path: Path) -> ModuleType:
    """Import one benchmark file as a module."""
    spec = importlib.util.spec_from_file_location(f"bench_{path.parent.name}_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import benchmark {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    """Run the chosen suites and print their reports."""
    available = suites()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("suite", nargs="*", help=f"suites to run ({', '.join(available)})")
    parser.add_argument("--runs", type=int, default=15, help="measured runs per case")
    args = parser.parse_args(argv)
    chosen = args.suite or list(available)
    unknown = [s for s in chosen if s not in available]
    if unknown:
        parser.error(f"unknown suite {', '.join(unknown)}; known: {', '.join(available)}")
    print(
        f"<!-- python {platform.python_version()} on {platform.machine()}, "
        f"{platform.system()}; {args.runs} runs per case -->"
    )
    for suite in chosen:
        for path in available[suite]:
            report: Report = load(path).run(args.runs)
            print()
            print(report.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
