"""Several processes on one state file: concurrent writers do not corrupt it,
and a process's open store keeps seeing what other processes write."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from orchestrion import Orchestrator

pytestmark = pytest.mark.anyio

MakeOrch = Callable[..., Orchestrator]


def _demo(state: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "orchestrion",
            "--no-autoload",
            "demo",
            "--json",
            "--state",
            str(state),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_concurrent_writers_keep_the_file_sound(state_file: Path) -> None:
    """Four processes running at once into one file: every run recorded, file intact."""
    state_file.parent.mkdir(parents=True)
    procs = [_demo(state_file) for _ in range(4)]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    with closing(sqlite3.connect(state_file)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        statuses = db.execute("SELECT status FROM runs").fetchall()
        steps = db.execute("SELECT count(*) FROM steps").fetchone()[0]
    assert statuses == [("succeeded",)] * 4
    assert steps == 4 * (1 + 8 + 3)  # lines, 8 per-line counts, stats, words, report


async def test_an_open_store_sees_other_processes_runs(
    make_orch: MakeOrch, state_file: Path
) -> None:
    """A store kept open while another store on the same file is opened and
    closed in this process, and other processes write, still reads fresh data
    (opening a store never disturbs this process's other connections)."""
    async with make_orch(str(state_file)) as holder:
        assert await holder.store.list_runs() == []
        for expected in (1, 2):
            async with make_orch(str(state_file)) as other:
                await other.store.list_runs()
            proc = _demo(state_file)
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err.decode()
            assert len(await holder.store.list_runs()) == expected
