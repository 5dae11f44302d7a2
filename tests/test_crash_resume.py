"""kill -9 and resume, through the CLI (DESIGN §7, issue 7).

A workflow of 205 steps (a fan-out of 50 items through two per-item steps, a
gather, a 100-step chain beside 100 parallel branches, a final join) runs as
``python -m orchestrion run ... --state FILE`` with a test plugin whose
components append the idempotency key of every execution to an append-only
log as they start. For each of 10 seeded kill points the run is started
afresh, SIGKILLed once the log has that many lines, and finished with
``orchestrion resume``. Then:

* the outputs equal an uninterrupted run's;
* no unit with a committed result (read from the state file after the kill)
  ever executed again;
* every re-execution is a unit that had started but had no committed result
  at the kill (in flight), and each of those ran again exactly once.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import pytest

from orchestrion import Orchestrator
from orchestrion.testing import write_distribution

pytestmark = pytest.mark.slow

SEED = 20261124
KILLS = 10
ITEMS = 50
CHAIN = 100
BRANCHES = 100
# Units (steps and fan-out items) one run executes.
UNITS = 1 + ITEMS + ITEMS + 1 + CHAIN + BRANCHES + 1

PLUGIN = '''
"""Components that log every execution to $CRASH_LOG before working. The
$CRASH_AT-th execution of a process never finishes, so a kill once the log
has that many lines always lands in the middle of the run, however slowly
the test polls."""

import os

import anyio

from orchestrion import ComponentType, hookimpl

_COUNT = [0]


async def _log(ctx):
    fd = os.open(os.environ["CRASH_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (ctx.idempotency_key + "\\n").encode())
    finally:
        os.close(fd)
    _COUNT[0] += 1
    if _COUNT[0] == int(os.environ.get("CRASH_AT", "0")):
        await anyio.sleep(3600)


class Emit:
    async def process(self, data, ctx):
        await _log(ctx)
        await anyio.sleep(0.002)
        return [i * 3 for i in range(int(data))]


class Step:
    async def process(self, data, ctx):
        await _log(ctx)
        await anyio.sleep(0.002)
        if isinstance(data, dict):
            data = sum(v if isinstance(v, int) else sum(v) for v in data.values())
        elif isinstance(data, list):
            data = sum(data)
        return (data * 7 + len(ctx.step)) % 1000003


@hookimpl
def register_components(register):
    register(ComponentType(name="crash.emit", factory=lambda _o: Emit(), emits="many"))
    register(ComponentType(name="crash.step", factory=lambda _o: Step()))
'''


def _workflow_toml() -> str:
    lines = ['name = "crash"', "", "[steps.emit]", 'component = "crash.emit"']
    lines += ["[steps.sq]", 'component = "crash.step"', 'for_each = "emit"']
    lines += ["[steps.inc]", 'component = "crash.step"', 'for_each = "sq"']
    lines += ["[steps.total]", 'component = "crash.step"', 'depends_on = ["inc"]']
    lines += ["gather = true"]
    previous = "total"
    for i in range(CHAIN):
        lines += [f"[steps.c{i}]", 'component = "crash.step"', f'depends_on = ["{previous}"]']
        previous = f"c{i}"
    for i in range(BRANCHES):
        lines += [f"[steps.b{i}]", 'component = "crash.step"', 'depends_on = ["total"]']
    joined = ", ".join(f'"{n}"' for n in [previous, *(f"b{i}" for i in range(BRANCHES))])
    lines += ["[steps.sink]", 'component = "crash.step"', f"depends_on = [{joined}]"]
    return "\n".join(lines) + "\n"


class Harness:
    """Paths and the environment of the CLI subprocesses."""

    def __init__(self, tmp: Path) -> None:
        site = write_distribution(
            tmp,
            "orchestrion-crashlog",
            entry_points={"crashlog": "crashlog_plugin"},
            files={"crashlog_plugin.py": PLUGIN},
        )
        self.workflow = tmp / "crash.toml"
        self.workflow.write_text(_workflow_toml(), encoding="utf-8")
        self.input = tmp / "input.json"
        self.input.write_text(str(ITEMS), encoding="utf-8")
        self.state = tmp / "state.sqlite"
        self.tmp = tmp
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORCHESTRION_")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
        self.env = env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "orchestrion", "--plugins", "crashlog", *args]

    def run_args(self, state: Path) -> list[str]:
        return self.command(
            "run", str(self.workflow), "--input", str(self.input), "--json", "--state", str(state)
        )

    def call(self, args: list[str], log: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args,
            env={**self.env, "CRASH_LOG": str(log)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


def _lines(log: Path) -> list[str]:
    if not log.exists():
        return []
    return log.read_text(encoding="utf-8").splitlines()


def _count(log: Path) -> int:
    try:
        with log.open("rb") as fh:
            return fh.read().count(b"\n")
    except FileNotFoundError:
        return 0


def _outputs(result: dict[str, Any]) -> dict[str, Any]:
    return {name: step["output"] for name, step in result["steps"].items()}


def _committed(state: Path, run_id: str) -> set[str]:
    """The units with a committed result, as the state store reports them."""

    async def read() -> set[str]:
        orch = Orchestrator(state=str(state), env={"ORCHESTRION_DISABLE_AUTOLOAD": "1"})
        try:
            records = await orch.store.get_steps(run_id)
        finally:
            await orch.aclose()
        return {
            f"{run_id}:{r.step}" if r.item is None else f"{run_id}:{r.step}:{r.item}"
            for r in records
        }

    return anyio.run(read)


def _running_run(state: Path) -> str:
    with contextlib.closing(sqlite3.connect(state)) as db:
        rows = db.execute("SELECT run_id FROM runs WHERE status = 'running'").fetchall()
    assert len(rows) == 1, rows
    return str(rows[0][0])


def test_kill_9_at_ten_points_then_resume(tmp_path: Path) -> None:
    """Killed with SIGKILL at 10 seeded points, every run resumes to the
    uninterrupted outputs, re-running only the units that were in flight."""
    h = Harness(tmp_path)
    reference = h.call(h.run_args(tmp_path / "reference.sqlite"), tmp_path / "reference.log")
    assert reference.returncode == 0, reference.stderr
    expected = json.loads(reference.stdout)
    assert expected["status"] == "succeeded"
    assert len(_lines(tmp_path / "reference.log")) == UNITS

    rng = random.Random(SEED)
    points = [rng.randint(1, UNITS - 20) for _ in range(KILLS)]
    in_flight_total = 0
    for episode, point in enumerate(points):
        log = tmp_path / f"episode-{episode}.log"
        proc = subprocess.Popen(
            h.run_args(h.state),
            env={**h.env, "CRASH_LOG": str(log), "CRASH_AT": str(point)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            for _ in range(20_000):  # bounded: about 40 s at most (no sleep to sync on:
                # unit ``point`` hangs, so the run cannot finish before the kill)
                if _count(log) >= point or proc.poll() is not None:
                    break
                time.sleep(0.002)
            assert proc.poll() is None, f"episode {episode}: the run ended before line {point}"
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.wait(timeout=30)
            assert proc.stderr is not None
            proc.stderr.close()
        before = _lines(log)
        run_id = _running_run(h.state)
        committed = _committed(h.state, run_id)
        started = set(before)
        assert len(before) == len(started), "a unit ran twice in one process"
        assert committed <= started, "a result was committed for a unit that never ran"

        resumed = h.call(h.command("resume", run_id, "--json", "--state", str(h.state)), log)
        assert resumed.returncode == 0, resumed.stderr
        result = json.loads(resumed.stdout)
        after = _lines(log)[len(before) :]
        again = set(after)

        assert result["run_id"] == run_id
        assert result["status"] == "succeeded"
        assert _outputs(result) == _outputs(expected)
        assert result["output"] == expected["output"]
        assert len(after) == len(again), "the resume ran a unit twice"
        assert again.isdisjoint(committed), "a committed unit executed again"
        in_flight = started - committed
        assert again & started == in_flight, "re-executions other than in-flight units"
        assert len(started | again) == UNITS
        in_flight_total += len(in_flight)
        print(f"kill at {point}: {len(committed)} committed, {len(in_flight)} in flight")
    # The kills did land mid-unit: some results were lost and redone.
    assert in_flight_total > 0
