"""Cold start: ``orchestrion plugins list`` as a fresh process, against peers.

Peers, measured in the same run: ``python -c pass`` (the interpreter alone)
and ``python -c "import pluggy, pydantic, anyio"`` (the floor any pluggy +
pydantic + anyio tool pays; ratios are taken against it). The budget
(DESIGN §10) is 300 ms with all first-party plugins installed.

It also runs the command under ``-X importtime`` and reports where the import
time goes, by top-level package, so a regression points at its cause.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections import defaultdict
from importlib import metadata
from pathlib import Path

from _harness import Report, time_commands

BUDGET_MS = 300.0
IMPORTTIME_RUNS = 5


def _orchestrion() -> str:
    script = Path(sys.executable).parent / ("orchestrion.exe" if os.name == "nt" else "orchestrion")
    if not script.exists():
        msg = (
            f"no orchestrion console script next to {sys.executable}; "
            "install the core first: python -m pip install -e core"
        )
        raise SystemExit(msg)
    return str(script)


def _import_breakdown(argv: list[str]) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """Median self import time (ms) per top-level package, and per module,
    over a few runs, heaviest first."""
    packages: list[dict[str, float]] = []
    modules: list[dict[str, float]] = []
    for _ in range(IMPORTTIME_RUNS):
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"},
            check=True,
        )
        by_package: dict[str, float] = defaultdict(float)
        by_module: dict[str, float] = {}
        for line in proc.stderr.splitlines():
            # "import time:  self [us] | cumulative | imported package"
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _, name = line.removeprefix("import time:").split("|")
            module = name.strip()
            by_package[module.split(".")[0]] += int(self_us) / 1000
            by_module[module] = int(self_us) / 1000
        packages.append(by_package)
        modules.append(by_module)
    return _medians(packages), _medians(modules)


def _medians(runs: list[dict[str, float]]) -> list[tuple[str, float]]:
    names = {n for run in runs for n in run}
    medians = {n: statistics.median(run.get(n, 0.0) for run in runs) for n in names}
    return sorted(medians.items(), key=lambda kv: -kv[1])


def run(runs: int) -> Report:
    """Measure the cold start of ``orchestrion plugins list`` and its peers."""
    python = sys.executable
    script = _orchestrion()
    commands = {
        "python -c pass": [python, "-c", "pass"],
        "import pluggy, pydantic, anyio": [python, "-c", "import pluggy, pydantic, anyio"],
        "import orchestrion": [python, "-c", "import orchestrion"],
        "orchestrion --version": [script, "--version"],
        "orchestrion plugins list": [script, "plugins", "list"],
    }
    # No colour, a fixed width and no plugin selection from the caller's shell.
    env = {"NO_COLOR": "1", "COLUMNS": "120"}
    # Bytecode caching on, as after any pip install (the warm-up run writes the
    # .pyc files): without it every run would compile every module again.
    for var in ("ORCHESTRION_PLUGINS", "ORCHESTRION_DISABLE_PLUGINS", "PYTHONDONTWRITEBYTECODE"):
        os.environ.pop(var, None)
    results = time_commands(commands, runs, env=env)
    report = Report("Cold start", results, baseline="import pluggy, pydantic, anyio")

    installed = sorted(
        f"{ep.name} ({ep.dist.name if ep.dist else '?'} {ep.dist.version if ep.dist else '?'})"
        for ep in metadata.entry_points(group="orchestrion")
    )
    listing = next(r for r in results if r.name == "orchestrion plugins list")
    verdict = "within" if listing.median * 1e3 <= BUDGET_MS else "OVER"
    breakdown, heaviest = _import_breakdown([script, "plugins", "list"])
    total = sum(ms for _, ms in breakdown)
    top = ", ".join(f"{name} {ms:.1f}" for name, ms in breakdown[:12])
    top_modules = ", ".join(f"{name} {ms:.1f}" for name, ms in heaviest[:10])
    report.notes += [
        f"Installed plugins: {', '.join(installed) or 'none'}.",
        f"`orchestrion plugins list`: median {listing.median * 1e3:.0f} ms, {verdict} "
        f"the {BUDGET_MS:.0f} ms budget.",
        f"Import time of `orchestrion plugins list` (-X importtime, median of "
        f"{IMPORTTIME_RUNS}, self ms by top-level package, {total:.0f} ms in all): {top}.",
        f"Heaviest single modules (self ms): {top_modules}.",
    ]
    return report
