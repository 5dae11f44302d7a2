"""The ``sqlite`` state store: one SQLite file in WAL mode, shared safely by
several processes.

Runs, leases and finished runs' step results live in the database. The step
results of a run in progress are committed to its step log, an append-only
file beside the database (see ``_steplog``: a ``write(2)`` instead of a WAL
transaction per commit), and moved into the database when the run finishes.

Calls are made inline on the event loop: each is one small write (the engine
batches step results), and with ``synchronous=NORMAL`` nothing waits for the
disk. Writers take the write lock up front (``BEGIN IMMEDIATE``) and wait up
to ``busy_timeout`` for another process to finish; WAL checkpoints and moving
step logs happen in a background thread (``_maintenance``).

A file that is not an SQLite database, or one that another application owns
(its ``application_id`` is not Orchestrion's), is refused and never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..exceptions import RunLeaseError, StateError
from ._lease import owner_alive, owner_label
from ._maintenance import Maintenance
from ._options import SqliteStoreOptions
from ._records import RUNNING, RunRecord, StepRecord
from ._steplog import Row, StepLog, log_path, read_log

__all__ = ["APPLICATION_ID", "SqliteStore", "SqliteStoreOptions", "default_state_path"]

#: ``PRAGMA application_id`` of Orchestrion state files ("ORCH").
APPLICATION_ID = 0x4F524348
_SCHEMA_VERSION = 1
# Step rows written between two WAL checkpoints (a checkpoint copies the WAL
# into the database file, off the event loop).
_CHECKPOINT_EVERY = 5000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    workflow TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    finished_at REAL,
    record TEXT NOT NULL,
    summary TEXT
);
CREATE INDEX IF NOT EXISTS runs_created ON runs (created_at);
CREATE TABLE IF NOT EXISTS steps (
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    step TEXT NOT NULL,
    item INTEGER NOT NULL,
    status TEXT NOT NULL,
    output TEXT,
    error_type TEXT,
    error_message TEXT,
    attempts INTEGER NOT NULL,
    duration REAL,
    instance TEXT,
    reason TEXT,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leases (
    run_id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""

# One B-tree clustered by run, appended to in commit order: a commit touches
# as few pages as possible (measured: a unique index on (run, step, item)
# made every commit ~25 % slower). A result is committed at most once.
_INSERT_STEP = (
    "INSERT OR IGNORE INTO steps (run_id, seq, step, item, status, output, error_type,"
    " error_message, attempts, duration, instance, reason)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def default_state_path() -> Path:
    """``$XDG_DATA_HOME/orchestrion/state.sqlite`` (``~/.local/share`` by default)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "orchestrion" / "state.sqlite"


def _ts(value: datetime) -> float:
    return value.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


class SqliteStore:
    """A :class:`~orchestrion.protocols.StateStore` in one SQLite file."""

    durable = True

    def __init__(self, options: SqliteStoreOptions | None = None) -> None:
        self.options = options or SqliteStoreOptions()
        self.lease_ttl: float | None = self.options.lease_ttl
        self._fsync = self.options.synchronous == "full"
        self.path = Path(self.options.path) if self.options.path else default_state_path()
        self._db = self._open()
        self._seq: dict[str, int] = {}  # the next step seq of each run written here
        self._commits = 0
        self._upkeep = Maintenance(self.path, self.options.busy_timeout)
        # Step logs of the runs this store is writing (see _steplog).
        self.log_dir = self.path.with_name(self.path.name + ".runs")
        self._logs: dict[str, StepLog] = {}

    # -- opening -------------------------------------------------------------------

    def _refuse(self, why: str) -> StateError:
        msg = (
            f"{why}; it was left untouched: move it away or choose another file "
            "with --state or ORCHESTRION_STATE"
        )
        return StateError(msg, path=str(self.path))

    def _open(self) -> sqlite3.Connection:
        path = self.path
        if path.exists():
            # Never open the file ourselves to look at it: closing any descriptor
            # of a file drops every POSIX lock this process holds on it, among
            # them the locks of other SQLite connections here, which then read
            # a WAL another process has reset (seen: stale and "malformed"
            # reads). SQLite's own first read tells a foreign file apart.
            if path.is_dir():
                msg = "is a directory, not a state file"
                raise self._refuse(msg)
        else:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # Created here, owner-only, before SQLite opens it: the WAL and
            # shared-memory files SQLite adds inherit these permissions.
            with contextlib.suppress(FileExistsError):  # another process was first
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        try:
            db = sqlite3.connect(
                path,
                timeout=self.options.busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            msg = f"cannot be opened as a state file ({exc})"
            raise self._refuse(msg) from None
        try:
            self._check_and_init(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            if exc.sqlite_errorname == "SQLITE_NOTADB":
                msg = "is not an SQLite database (corrupted or a foreign file)"
            else:
                msg = f"is not a usable state database ({exc})"
            raise self._refuse(msg) from None
        except StateError:
            db.close()
            raise
        return db

    @staticmethod
    def _identity(db: sqlite3.Connection) -> tuple[int, set[str]]:
        """The file's application id and table names, read in ONE snapshot: read
        apart, another process initialising the file between the two reads would
        make a new state file look like a foreign database."""
        db.execute("BEGIN")
        try:
            app_id = db.execute("PRAGMA application_id").fetchone()[0]
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        finally:
            db.execute("COMMIT")
        return int(app_id), tables

    def _check_and_init(self, db: sqlite3.Connection) -> None:
        app_id, tables = self._identity(db)
        if app_id != APPLICATION_ID and (app_id != 0 or tables):
            msg = "belongs to another application (not an Orchestrion state file)"
            raise self._refuse(msg)
        db.execute("PRAGMA journal_mode = WAL").fetchall()
        db.execute(f"PRAGMA synchronous = {self.options.synchronous.upper()}").fetchall()
        db.execute(f"PRAGMA busy_timeout = {int(self.options.busy_timeout * 1000)}").fetchall()
        # Checkpoints (copying the WAL into the database, with an fsync) are
        # made by a background thread, not inside a commit on the event loop:
        # measured, automatic checkpoints doubled the cost of a small commit.
        db.execute("PRAGMA wal_autocheckpoint = 0").fetchall()
        db.execute("PRAGMA journal_size_limit = 67108864").fetchall()
        if app_id == 0:
            with self._write(db):
                # Decided again under the write lock: another process may have
                # initialised the file since the look above.
                app_id = db.execute("PRAGMA application_id").fetchone()[0]
                if app_id == APPLICATION_ID:
                    return
                if db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None:
                    msg = "belongs to another application (not an Orchestrion state file)"
                    raise self._refuse(msg)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}").fetchall()
                db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}").fetchall()
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
            return
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version != _SCHEMA_VERSION:
            msg = f"has state schema version {version}, this Orchestrion reads {_SCHEMA_VERSION}"
            raise self._refuse(msg)

    @contextmanager
    def _write(self, db: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        db = db or self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            msg = f"cannot write the state file: {exc}"
            raise StateError(msg, path=str(self.path)) from None
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- runs and leases -----------------------------------------------------------

    def _take_lease(self, db: sqlite3.Connection, run_id: str, owner: str) -> None:
        now = time.time()
        row = db.execute(
            "SELECT owner, expires_at FROM leases WHERE run_id = ?", (run_id,)
        ).fetchone()
        if row is not None and row[0] != owner and row[1] > now and owner_alive(row[0]):
            holder = owner_label(row[0])
            msg = (
                f"run {run_id!r} is owned by process {holder} (lease valid for "
                f"{row[1] - now:.0f} s more); wait for it to finish or stop it before resuming"
            )
            raise RunLeaseError(msg, owner=holder, path=str(self.path), run_id=run_id)
        db.execute(
            "INSERT OR REPLACE INTO leases (run_id, owner, expires_at) VALUES (?, ?, ?)",
            (run_id, owner, now + self.options.lease_ttl),
        )

    async def begin_run(self, run: RunRecord, owner: str) -> None:
        """Record a new run and give ``owner`` its lease, in one transaction."""
        static = run.model_dump_json(exclude={"status", "updated_at", "finished_at", "summary"})
        with self._write() as db:
            if db.execute("SELECT 1 FROM runs WHERE run_id = ?", (run.run_id,)).fetchone():
                msg = f"run {run.run_id!r} already exists; resume it or choose another id"
                raise StateError(msg, path=str(self.path), run_id=run.run_id)
            db.execute(
                "INSERT INTO runs (run_id, workflow, status, created_at, updated_at, record)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    run.run_id,
                    run.workflow,
                    run.status,
                    _ts(run.created_at),
                    _ts(run.updated_at),
                    static,
                ),
            )
            self._take_lease(db, run.run_id, owner)
        self._seq[run.run_id] = 0
        self._open_log(run.run_id)

    async def acquire(self, run_id: str, owner: str) -> None:
        """Take the run's lease (refused while another live owner holds it)."""
        with self._write() as db:
            if not db.execute("SELECT 1 FROM runs WHERE run_id = ?", (run_id,)).fetchone():
                msg = f"no run {run_id!r} in this state file; `orchestrion runs list` shows them"
                raise StateError(msg, path=str(self.path), run_id=run_id)
            self._take_lease(db, run_id, owner)
            db.execute(
                "UPDATE runs SET status = ?, updated_at = ?, finished_at = NULL WHERE run_id = ?",
                (RUNNING, time.time(), run_id),
            )
            last = db.execute("SELECT max(seq) FROM steps WHERE run_id = ?", (run_id,)).fetchone()
        log = self._open_log(run_id)
        seqs = [row[0] for row in log.rows]
        if last[0] is not None:
            seqs.append(last[0])
        self._seq[run_id] = max(seqs) + 1 if seqs else 0

    def _open_log(self, run_id: str) -> StepLog:
        old = self._logs.pop(run_id, None)
        if old is not None:
            old.close()
        try:
            log = StepLog.open(log_path(self.log_dir, run_id), fsync=self._fsync)
        except OSError as exc:
            msg = f"cannot write the step log of run {run_id!r}: {exc}"
            raise StateError(msg, path=str(self.path), run_id=run_id) from None
        self._logs[run_id] = log
        return log

    async def renew(self, run_id: str, owner: str) -> None:
        """Extend the lease; :class:`RunLeaseError` if another process took it."""
        with self._write() as db:
            row = db.execute("SELECT owner FROM leases WHERE run_id = ?", (run_id,)).fetchone()
            if row is not None and row[0] != owner:
                holder = owner_label(row[0])
                msg = f"run {run_id!r} was taken over by process {holder}; stopping this copy"
                raise RunLeaseError(msg, owner=holder, path=str(self.path), run_id=run_id)
            db.execute(
                "INSERT OR REPLACE INTO leases (run_id, owner, expires_at) VALUES (?, ?, ?)",
                (run_id, owner, time.time() + self.options.lease_ttl),
            )

    async def release(self, run_id: str, owner: str) -> None:
        """Give up ``owner``'s lease (an unfinished run's step log stays)."""
        log = self._logs.pop(run_id, None)
        if log is not None:
            log.close()
        with self._write() as db:
            db.execute("DELETE FROM leases WHERE run_id = ? AND owner = ?", (run_id, owner))

    async def commit(self, run_id: str, steps: Sequence[StepRecord]) -> None:
        """Commit a batch of step results: one append to the run's step log
        (the hot path), or one transaction for a run this store did not begin."""
        seq = self._seq.get(run_id, 0)
        self._seq[run_id] = seq + len(steps)
        rows: list[Row] = [
            (
                seq + i,
                s.step,
                -1 if s.item is None else s.item,
                s.status,
                None if s.output_json is None else s.output_json.decode(),
                s.error_type,
                s.error_message,
                s.attempts,
                s.duration,
                s.instance,
                s.reason,
            )
            for i, s in enumerate(steps)
        ]
        log = self._logs.get(run_id)
        if log is not None:
            try:
                log.append(rows)
            except OSError as exc:
                msg = f"cannot commit step results of run {run_id!r}: {exc}"
                raise StateError(msg, path=str(self.path), run_id=run_id) from None
            return
        db = self._db
        try:
            if len(rows) == 1:  # one statement in autocommit mode is a transaction
                db.execute(_INSERT_STEP, (run_id, *rows[0]))
            else:
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.executemany(_INSERT_STEP, [(run_id, *row) for row in rows])
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                db.execute("COMMIT")
        except sqlite3.Error as exc:
            msg = f"cannot commit step results of run {run_id!r}: {exc}"
            raise StateError(msg, path=str(self.path), run_id=run_id) from None
        self._wrote(len(rows))

    def _wrote(self, rows: int) -> None:
        # Automatic checkpoints are off (see _check_and_init): ask for one in
        # the background every so often, by the rows written since the last.
        self._commits += rows
        if self._commits >= _CHECKPOINT_EVERY:
            self._commits = 0
            self._upkeep.checkpoint()

    async def finish_run(
        self, run_id: str, status: str, finished_at: datetime, summary: dict[str, Any]
    ) -> None:
        """Move the run's step log into the database and record the final
        status and summary, in one transaction (the run's last write); then
        delete the log. (Measured: moving in a background thread instead made
        the next run's first write wait for the lock, ~1 ms.)"""
        stamp = _ts(finished_at)
        text = json.dumps(summary, default=str)
        log = self._logs.pop(run_id, None)
        with self._write() as db:
            if log is not None:
                db.executemany(_INSERT_STEP, [(run_id, *row) for row in log.rows])
            db.execute(
                "UPDATE runs SET status = ?, updated_at = ?, finished_at = ?, summary = ?"
                " WHERE run_id = ?",
                (status, stamp, stamp, text, run_id),
            )
        if log is not None:
            log.remove()
            self._wrote(len(log.rows))

    # -- reading -------------------------------------------------------------------

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            msg = f"cannot read the state file: {exc}"
            raise StateError(msg, path=str(self.path)) from None

    @staticmethod
    def _run_of(row: Any) -> RunRecord:
        status, updated_at, finished_at, record, summary = row
        data = json.loads(record)
        data.update(
            status=status,
            updated_at=_dt(updated_at),
            finished_at=_dt(finished_at),
            summary=None if summary is None else json.loads(summary),
        )
        return RunRecord.model_validate(data)

    async def get_run(self, run_id: str) -> RunRecord | None:
        """The run, or ``None``."""
        rows = self._read(
            "SELECT status, updated_at, finished_at, record, summary FROM runs WHERE run_id = ?",
            (run_id,),
        )
        return self._run_of(rows[0]) if rows else None

    async def get_steps(self, run_id: str) -> list[StepRecord]:
        """The committed step results, in commit order (outputs decoded)."""
        found = self._read(
            "SELECT seq, step, item, status, output, error_type, error_message, attempts,"
            " duration, instance, reason FROM steps WHERE run_id = ?",
            (run_id,),
        )
        rows: dict[int, Any] = {r[0]: r for r in found}
        for row in read_log(log_path(self.log_dir, run_id)):  # a run in progress
            rows.setdefault(row[0], row)
        return [
            StepRecord(
                step=r[1],
                item=None if r[2] < 0 else r[2],
                status=r[3],
                output=None if r[4] is None else json.loads(r[4]),
                error_type=r[5],
                error_message=r[6],
                attempts=r[7],
                duration=r[8],
                instance=r[9],
                reason=r[10],
            )
            for _, r in sorted(rows.items())
        ]

    async def list_runs(
        self, *, status: str | None = None, limit: int | None = None
    ) -> list[RunRecord]:
        """Runs, newest first."""
        sql = "SELECT status, updated_at, finished_at, record, summary FROM runs"
        args: list[Any] = []
        if status is not None:
            sql += " WHERE status = ?"
            args.append(status)
        sql += " ORDER BY created_at DESC"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [self._run_of(row) for row in self._read(sql, args)]

    async def prune(self, older_than: datetime) -> int:
        """Delete finished runs created before ``older_than`` (and their steps)."""
        cutoff = _ts(older_than)
        where = "status != 'running' AND created_at < ?"
        with self._write() as db:
            gone = [r[0] for r in db.execute(f"SELECT run_id FROM runs WHERE {where}", (cutoff,))]
            db.execute(
                f"DELETE FROM steps WHERE run_id IN (SELECT run_id FROM runs WHERE {where})",
                (cutoff,),
            )
            db.execute(
                f"DELETE FROM leases WHERE run_id IN (SELECT run_id FROM runs WHERE {where})",
                (cutoff,),
            )
            count = db.execute(f"DELETE FROM runs WHERE {where}", (cutoff,)).rowcount
        for run_id in gone:  # a cancelled run's log, if it was never finished here
            log_path(self.log_dir, run_id).unlink(missing_ok=True)
        return int(count)

    async def aclose(self) -> None:
        """Close open step logs, finish the background upkeep (queued moves
        and checkpoints) and close the connection."""
        for log in self._logs.values():
            log.close()
        self._logs.clear()
        self._upkeep.close()
        self._db.close()
