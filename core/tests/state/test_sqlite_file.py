"""The SQLite state file: created private and in WAL mode; a corrupted or
foreign file is refused with a clear error and never overwritten."""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from orchestrion import Orchestrator
from orchestrion.exceptions import StateError

from ._kit import fan_workflow

MakeOrch = Callable[..., Orchestrator]


def test_new_file_is_owner_only_and_in_wal_mode(make_orch: MakeOrch, state_file: Path) -> None:
    """A new state file (and its folder) is created readable by its owner only, in WAL mode."""
    with make_orch(str(state_file)) as orch:
        result = orch.run_sync(fan_workflow(), 3)
    assert result.ok
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    with closing(sqlite3.connect(state_file)) as db, db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_corrupted_file_is_refused_untouched(make_orch: MakeOrch, state_file: Path) -> None:
    """Random bytes where the state file should be: a StateError naming the file, bytes kept."""
    state_file.parent.mkdir(parents=True)
    garbage = bytes(range(256)) * 20
    state_file.write_bytes(garbage)
    orch = make_orch(str(state_file))
    with pytest.raises(StateError, match="not an SQLite database") as info:
        _ = orch.store
    assert str(state_file) in str(info.value)
    assert "--state" in str(info.value)
    assert state_file.read_bytes() == garbage


def test_foreign_database_is_refused_untouched(make_orch: MakeOrch, state_file: Path) -> None:
    """Another application's SQLite database is refused and left as it was."""
    state_file.parent.mkdir(parents=True)
    with closing(sqlite3.connect(state_file)) as db, db:
        db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO customers (name) VALUES ('Ada')")
    before = state_file.read_bytes()
    orch = make_orch(str(state_file))
    with pytest.raises(StateError, match="belongs to another application"):
        _ = orch.store
    assert state_file.read_bytes() == before
    with closing(sqlite3.connect(state_file)) as db, db:
        assert db.execute("SELECT name FROM customers").fetchall() == [("Ada",)]


def test_truncated_database_is_refused(make_orch: MakeOrch, state_file: Path) -> None:
    """A state file cut short (a valid header, broken pages) gives a StateError, not a crash."""
    with make_orch(str(state_file)) as orch:
        orch.run_sync(fan_workflow(), 3)
    for extra in ("-wal", "-shm"):
        Path(f"{state_file}{extra}").unlink(missing_ok=True)
    data = state_file.read_bytes()
    state_file.write_bytes(data[:100] + b"\x00" * 50 + data[150:1200])
    with pytest.raises(StateError), make_orch(str(state_file)) as orch:
        orch.run_sync(fan_workflow(), 3)


def test_state_error_exit_code_is_two() -> None:
    """A state problem is a usage problem for the CLI: exit status 2."""
    assert StateError("x").exit_code == 2
