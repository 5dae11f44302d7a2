"""The ``memory`` state store: runs kept in this process, for tests and
embedded use. Nothing survives the process, so outputs are kept as they are
(no JSON encoding) and a run can be resumed only by this process (after a
deadline or a cancellation). The oldest finished runs are forgotten beyond
``max_runs``."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..exceptions import RunLeaseError, StateError
from ._lease import owner_alive, owner_label
from ._options import MemoryStoreOptions
from ._records import RUNNING, RunRecord, StepRecord

__all__ = ["MemoryStore", "MemoryStoreOptions"]


class MemoryStore:
    """A :class:`~orchestrion.protocols.StateStore` in a few dicts."""

    durable = False
    lease_ttl: float | None = None

    def __init__(self, options: MemoryStoreOptions | None = None) -> None:
        self.options = options or MemoryStoreOptions()
        self._runs: dict[str, RunRecord] = {}
        self._steps: dict[str, list[StepRecord]] = {}
        self._leases: dict[str, str] = {}
        self._finished: deque[str] = deque()  # in the order they finished

    def _run(self, run_id: str) -> RunRecord:
        run = self._runs.get(run_id)
        if run is None:
            msg = f"no run {run_id!r} in the memory store; `runs list` shows the known ones"
            raise StateError(msg, run_id=run_id)
        return run

    async def begin_run(self, run: RunRecord, owner: str) -> None:
        """Record a new run owned by ``owner``."""
        if run.run_id in self._runs:
            msg = f"run {run.run_id!r} already exists; resume it or choose another id"
            raise StateError(msg, run_id=run.run_id)
        self._runs[run.run_id] = run
        self._steps[run.run_id] = []
        self._leases[run.run_id] = owner

    async def acquire(self, run_id: str, owner: str) -> None:
        """Take the run's lease unless another live owner holds it."""
        run = self._run(run_id)
        holder = self._leases.get(run_id)
        if holder is not None and holder != owner and owner_alive(holder):
            msg = (
                f"run {run_id!r} is being run by process {owner_label(holder)}; "
                "wait for it to finish (or stop it) before resuming"
            )
            raise RunLeaseError(msg, owner=owner_label(holder), run_id=run_id)
        self._leases[run_id] = owner
        self._runs[run_id] = run.model_copy(update={"status": RUNNING, "finished_at": None})

    async def renew(self, run_id: str, owner: str) -> None:
        """Leases here never expire: nothing to do."""

    async def release(self, run_id: str, owner: str) -> None:
        """Drop ``owner``'s lease."""
        if self._leases.get(run_id) == owner:
            del self._leases[run_id]

    async def commit(self, run_id: str, steps: Sequence[StepRecord]) -> None:
        """Append the step results."""
        self._steps[run_id].extend(steps)

    def commit_nowait(self, run_id: str, steps: Sequence[StepRecord]) -> None:
        """:meth:`commit` without a coroutine: the journal calls it inline."""
        self._steps[run_id].extend(steps)

    async def finish_run(
        self, run_id: str, status: str, finished_at: datetime, summary: dict[str, Any]
    ) -> None:
        """Record the final status."""
        run = self._run(run_id)
        self._runs[run_id] = run.model_copy(
            update={
                "status": status,
                "finished_at": finished_at,
                "updated_at": finished_at,
                "summary": summary,
            }
        )
        self._finished.append(run_id)
        while len(self._finished) > self.options.max_runs:
            old = self._finished.popleft()
            gone = self._runs.get(old)
            if gone is not None and gone.status != RUNNING and old not in self._finished:
                self._drop(old)

    async def get_run(self, run_id: str) -> RunRecord | None:
        """The run, or ``None``."""
        return self._runs.get(run_id)

    async def get_steps(self, run_id: str) -> list[StepRecord]:
        """The committed step results, in commit order."""
        return list(self._steps.get(run_id, ()))

    async def list_runs(
        self, *, status: str | None = None, limit: int | None = None
    ) -> list[RunRecord]:
        """Runs, newest first."""
        runs = sorted(self._runs.values(), key=lambda r: r.created_at, reverse=True)
        if status is not None:
            runs = [r for r in runs if r.status == status]
        return runs if limit is None else runs[:limit]

    async def prune(self, older_than: datetime) -> int:
        """Forget finished runs created before ``older_than``."""
        old = [
            r.run_id
            for r in self._runs.values()
            if r.status != RUNNING and r.created_at < older_than
        ]
        for run_id in old:
            self._drop(run_id)
        return len(old)

    async def aclose(self) -> None:
        """Nothing to release."""

    def _drop(self, run_id: str) -> None:
        self._runs.pop(run_id, None)
        self._steps.pop(run_id, None)
        self._leases.pop(run_id, None)
