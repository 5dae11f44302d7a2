"""``orchestrion runs list|show|prune``: run history from the state store.

The store is the one ``run`` and ``resume`` use: ``--state FILE`` (or
``:memory:``), else ``ORCHESTRION_STATE``, else the ``[state]`` config table,
else SQLite under the user's data directory.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..exceptions import ConfigError
from ._state import CliState

if TYPE_CHECKING:
    from .._orchestrator import Orchestrator
    from .._state._records import RunRecord, StepRecord
    from ..protocols import StateStore

__all__ = ["STATE_OPTION", "orchestrator_with_state", "parse_duration", "runs"]

T = TypeVar("T")

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")

#: The ``--state`` option every command that touches the store takes.
STATE_OPTION = click.option(
    "--state",
    "state_path",
    metavar="FILE",
    help="The state file (':memory:' for none). Default: ORCHESTRION_STATE, [state] "
    "in config, else $XDG_DATA_HOME/orchestrion/state.sqlite.",
)


def parse_duration(text: str) -> timedelta:
    """``7d``, ``12h``, ``30m``, ``45s``, ``2w`` as a :class:`timedelta`."""
    match = _DURATION.match(text)
    if match is None:
        msg = f"{text!r} is not a duration; write a number and a unit: 45s, 30m, 12h, 7d, 2w"
        raise ConfigError(msg, source="<cli>", key="--older-than")
    return timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def orchestrator_with_state(state: CliState, state_path: str | None) -> Orchestrator:
    """An orchestrator whose store is the CLI's (see the module docstring)."""
    from .._state._wiring import cli_state

    spec = cli_state(state_path, state.env, state.config().section("state"))
    return state.make_orchestrator(state=spec)


def _with_store(
    state: CliState, state_path: str | None, fn: Callable[[StateStore], Coroutine[Any, Any, T]]
) -> T:
    import anyio

    async def main() -> T:
        orch = orchestrator_with_state(state, state_path)
        try:
            return await fn(orch.store)
        finally:
            await orch.aclose()

    return anyio.run(main)


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _run_json(run: RunRecord, *, full: bool = False) -> dict[str, Any]:
    exclude = None if full else {"definition", "input"}
    return run.model_dump(mode="json", exclude=exclude)


@click.group()
def runs() -> None:
    """Run history in the state store: list, show, prune."""


@runs.command("list")
@click.option("--status", help="Only runs with this status (running, succeeded, failed, ...).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, metavar="N")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON.")
@STATE_OPTION
@click.pass_context
def list_runs(
    ctx: click.Context, /, status: str | None, limit: int, as_json: bool, state_path: str | None
) -> None:
    """List runs, newest first."""
    state = CliState.of(ctx)
    found = _with_store(state, state_path, lambda s: s.list_runs(status=status, limit=limit))
    if as_json:
        click.echo(json.dumps([_run_json(r) for r in found], indent=2))
        return
    from rich.table import Table

    table = Table(title_justify="left")
    for column in ("run", "workflow", "status", "started", "finished", "steps"):
        table.add_column(column, no_wrap=True)
    for run in found:
        totals = (run.summary or {}).get("totals", {})
        steps = f"{totals.get('succeeded', 0)}/{totals.get('steps', 0)}" if totals else "-"
        table.add_row(
            run.run_id,
            run.workflow,
            run.status,
            _when(run.created_at),
            _when(run.finished_at),
            steps,
        )
    state.console.print(table)


def _step_rows(records: list[StepRecord]) -> list[dict[str, Any]]:
    """One row per step: per-item steps summarised over their items."""
    rows: dict[str, dict[str, Any]] = {}
    for rec in records:
        row = rows.setdefault(
            rec.step,
            {
                "step": rec.step,
                "status": rec.status,
                "items": None,
                "attempts": 0,
                "duration": 0.0,
                "error": None,
            },
        )
        row["attempts"] += rec.attempts
        row["duration"] += rec.duration or 0.0
        if rec.item is not None:
            items = row["items"] = row["items"] or {"committed": 0, "failed": 0}
            items["committed"] += 1
            if rec.status == "failed":
                items["failed"] += 1
                row["status"] = "failed"
        else:
            row["status"] = rec.status
        if rec.error_type and row["error"] is None:
            row["error"] = f"{rec.error_type}: {rec.error_message}"
    return list(rows.values())


@runs.command("show")
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True, help="Print the run and its steps as JSON.")
@STATE_OPTION
@click.pass_context
def show_run(ctx: click.Context, /, run_id: str, as_json: bool, state_path: str | None) -> None:
    """Show one run and its committed step results."""
    from ..exceptions import StateError

    state = CliState.of(ctx)

    async def fetch(store: StateStore) -> tuple[RunRecord | None, list[StepRecord]]:
        return await store.get_run(run_id), await store.get_steps(run_id)

    run, records = _with_store(state, state_path, fetch)
    if run is None:
        msg = f"no run {run_id!r} in the state store; `orchestrion runs list` shows the known runs"
        raise StateError(msg, run_id=run_id)
    rows = _step_rows(records)
    if as_json:
        click.echo(json.dumps({"run": _run_json(run, full=True), "steps": rows}, indent=2))
        return
    from rich.table import Table

    console = state.console
    console.print(
        f"run {run.run_id} · {run.workflow} · {run.status} · started {_when(run.created_at)}"
        f" · finished {_when(run.finished_at)}",
        markup=False,
    )
    table = Table(title_justify="left")
    for column in ("step", "status", "items", "attempts", "seconds", "error"):
        table.add_column(column, no_wrap=column != "error", overflow="fold")
    for row in rows:
        items = row["items"]
        table.add_row(
            row["step"],
            row["status"],
            "" if items is None else f"{items['committed']} ({items['failed']} failed)",
            str(row["attempts"]),
            f"{row['duration']:.3f}",
            (row["error"] or "")[:200],
        )
    console.print(table)
    missing = [
        name for name in run.definition.get("steps", {}) if name not in {r["step"] for r in rows}
    ]
    if missing:
        console.print(f"no committed result: {', '.join(missing)}", markup=False)


@runs.command("prune")
@click.option(
    "--older-than",
    "older_than",
    required=True,
    metavar="DURATION",
    help="Delete finished runs started longer ago than this (45s, 30m, 12h, 7d, 2w).",
)
@STATE_OPTION
@click.pass_context
def prune_runs(ctx: click.Context, /, older_than: str, state_path: str | None) -> None:
    """Delete finished runs (never running ones) older than DURATION."""
    age = parse_duration(older_than)
    state = CliState.of(ctx)
    cutoff = datetime.now(UTC) - age
    count = _with_store(state, state_path, lambda s: s.prune(cutoff))
    click.echo(f"pruned {count} run{'s' if count != 1 else ''} started before {_when(cutoff)}")
