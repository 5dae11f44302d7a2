"""The step log of a run in progress: an append-only file beside the SQLite
database, one line per committed step result.

Why: a dependent may not start before its input is committed, so a chain of
steps is a chain of commits. Measured on our CI machine, one SQLite WAL
commit costs 15-40 µs (locks, WAL frame, index); one ``write(2)`` to an
append-only file costs ~1.5 µs. The owner of a run (one process, see the
lease) appends its results here; the run's final write moves them into the
database in one transaction and removes the file. Readers merge both.

A line is ``<JSON array>\\t<crc32 hex>\\n`` and is committed once the write
returns: a process crash cannot lose it (the page cache survives), and with
``synchronous=full`` it is fsynced. A torn or corrupt tail (a power loss) fails
its checksum and ends the log there — as if that commit never happened, which
is safe because nothing that depended on it had started.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic_core import to_json

__all__ = ["StepLog", "log_path", "read_log"]

_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")

#: A row as the ``steps`` table holds it, minus the run id.
Row = tuple[Any, ...]


def log_path(folder: Path, run_id: str) -> Path:
    """The log file of ``run_id`` in ``folder`` (odd ids are hashed)."""
    name = run_id if _SAFE.match(run_id) else hashlib.sha256(run_id.encode()).hexdigest()
    return folder / f"{name}.log"


def encode(row: Row) -> bytes:
    """One log line for ``row`` = (seq, step, item, status, output JSON text or
    None, error type, error message, attempts, duration, instance, reason)."""
    seq, step, item, status, output, etype, emsg, attempts, duration, instance, reason = row
    head = to_json([seq, step, item, status, etype, emsg, attempts, duration, instance, reason])
    # The output is already JSON (compact: no newline); it is spliced in, not
    # encoded again as a string.
    body = head[:-1] + b"," + (output.encode() if output is not None else b"null") + b"]"
    return body + b"\t%08x\n" % zlib.crc32(body)


def read_log(path: Path) -> Iterator[Row]:
    """The rows of a log, up to its first torn or corrupt line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return
    for line in data.split(b"\n"):
        body, sep, crc = line.rpartition(b"\t")
        if not sep or len(crc) != 8 or b"%08x" % zlib.crc32(body) != crc:
            return
        values = json.loads(body)
        output = values[10]
        yield (
            values[0],
            values[1],
            values[2],
            values[3],
            None if output is None else json.dumps(output),
            values[4],
            values[5],
            values[6],
            values[7],
            values[8],
            values[9],
        )


def _valid(data: bytes) -> int:
    """The length of the valid prefix of a log's bytes."""
    end = 0
    while True:
        newline = data.find(b"\n", end)
        if newline < 0:
            return end
        body, sep, crc = data[end:newline].rpartition(b"\t")
        if not sep or len(crc) != 8 or b"%08x" % zlib.crc32(body) != crc:
            return end
        end = newline + 1


class StepLog:
    """The open step log of one run, written by its lease owner only.

    ``rows`` holds every row of the log (earlier processes' too), which the
    run's final write moves into the database.
    """

    def __init__(self, path: Path, fd: int, rows: list[Row], *, fsync: bool) -> None:
        self.path = path
        self.fsync = fsync
        self.rows = rows
        self._fd = fd

    @classmethod
    def open(cls, path: Path, *, fsync: bool) -> StepLog:
        """Open (or create, owner-only) the log at ``path`` for appending; a
        torn tail left by a crash is cut off first, so new lines follow the
        last valid one."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            rows: list[Row] = []
            if size:
                data = path.read_bytes()
                valid = _valid(data)
                if valid < len(data):
                    os.ftruncate(fd, valid)
                rows = list(read_log(path))
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd, rows, fsync=fsync)

    def append(self, rows: list[Row]) -> None:
        """Commit ``rows``: one write (and an fsync in full mode)."""
        data = b"".join(encode(row) for row in rows)
        view = memoryview(data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        if self.fsync:
            os.fsync(self._fd)
        self.rows.extend(rows)

    def close(self) -> None:
        """Close the file (it stays for a later resume until removed)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def remove(self) -> None:
        """Close and delete the file (its rows are in the database)."""
        self.close()
        self.path.unlink(missing_ok=True)
