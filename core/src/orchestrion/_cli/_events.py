"""``orchestrion events publish TYPE``: publish one event and wait for what it triggers.

The event goes to the orchestrator's bus (plugin handlers and the
``[[events.triggers]]`` of the config); the command returns once it has been
delivered and every run it triggered has finished. Each run's output is
printed on stdout (``--json``: one JSON document describing the event and its
runs), one line per run on stderr. Exit status 0 when every triggered run
succeeded (or nothing was triggered), 1 when one did not, 2 for a bad
argument or a trigger that could not start its run.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from pydantic import BaseModel, ConfigDict, Field

from .._config import format_validation_error
from .._engine._results import RunResult
from .._event import Event
from ..exceptions import ConfigError, OrchestrionError, RunFailed
from ._state import CliState

if TYPE_CHECKING:
    from .._events._records import DeadLetter
    from .._events._triggers import TriggeredRun

__all__ = ["HandlerFailureInfo", "PublishReport", "TriggeredRunInfo", "events"]


class _Output(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TriggeredRunInfo(_Output):
    """One run the published event triggered."""

    trigger: str = Field(description="The trigger's name (its 'name', or 'trigger.N').")
    status: str = Field(description="The run's status, or 'error' when it could not start.")
    ok: bool = Field(description="Whether the run succeeded (possibly degraded).")
    error: str | None = Field(description="Why the run could not start, if it could not.")
    result: RunResult | None = Field(description="The run's result, when it ran.")


class HandlerFailureInfo(_Output):
    """A handler that failed on the published event."""

    handler: str = Field(description="The handler's name.")
    error_type: str = Field(description="The type of its last error.")
    error: str = Field(description="Its last error's message (cut to 500 characters).")
    timed_out: bool = Field(description="Whether the last attempt hit the handler's timeout.")
    attempts: int = Field(description="How many attempts were made.")


class PublishReport(_Output):
    """What ``events publish --json`` prints."""

    event: Event = Field(description="The published event.")
    handlers: list[str] = Field(description="The handlers it was delivered to.")
    runs: list[TriggeredRunInfo] = Field(description="The runs it triggered.")
    failures: list[HandlerFailureInfo] = Field(
        description="Handlers that failed on it, when every one of them did (a dead letter)."
    )


def read_data(value: str | None) -> dict[str, Any]:
    """The event data from ``--data``: inline JSON, ``@FILE`` or ``@-`` (stdin);
    it must be a JSON object."""
    if value is None:
        return {}
    name = "--data"
    text = value
    if value.startswith("@"):
        name = value[1:]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"cannot read event data: {exc}"
            raise ConfigError(msg, source=name, key="--data") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"event data is not valid JSON: {exc}"
        raise ConfigError(msg, source="<cli>", key="--data") from None
    if not isinstance(data, dict):
        msg = f"event data must be a JSON object, got {type(data).__name__}"
        raise ConfigError(msg, source="<cli>", key="--data")
    return data


def _make_event(type_: str, data: dict[str, Any], source: str, correlation_id: str | None) -> Event:
    from pydantic import ValidationError

    try:
        return Event(type=type_, data=data, source=source, correlation_id=correlation_id)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc), source="<cli>") from None


def _run_info(run: TriggeredRun) -> TriggeredRunInfo:
    result = run.result if isinstance(run.result, RunResult) else None
    error = None if run.error is None else f"{type(run.error).__name__}: {run.error}"
    return TriggeredRunInfo(
        trigger=run.trigger, status=run.status, ok=run.ok, error=error, result=result
    )


def _describe(run: TriggeredRun) -> str:
    if run.error is not None:
        return f"{run.trigger}: could not run: {run.error}"
    result = run.result
    run_id = getattr(result, "run_id", None)
    duration = getattr(result, "duration", None)
    text = f"{run.trigger}: run {run_id} {run.status}" if run_id else f"{run.trigger}: {run.status}"
    return f"{text} in {duration:.3f} s" if isinstance(duration, float) else text


@click.group()
def events() -> None:
    """Publish events to the orchestrator's bus."""


@events.command()
@click.argument("event_type", metavar="TYPE")
@click.option(
    "--data",
    "data_arg",
    metavar="JSON|@FILE",
    help="The event's data: a JSON object, or @FILE to read it from FILE (@- for stdin).",
)
@click.option("--source", default="orchestrion.cli", show_default=True, help="Who publishes it.")
@click.option("--correlation-id", metavar="ID", help="Ties the event to a run or request.")
@click.option("--json", "as_json", is_flag=True, help="Print the event and its runs as JSON.")
@click.pass_context
def publish(
    ctx: click.Context,
    /,
    event_type: str,
    data_arg: str | None,
    source: str,
    correlation_id: str | None,
    as_json: bool,
) -> None:
    """Publish one event of type TYPE and wait for the runs it triggers.

    Exit status: 0 every triggered run succeeded (or none was triggered),
    1 a run did not succeed, 2 bad arguments or a trigger that could not run.
    """
    import anyio

    from .._events._wiring import bus_of, events_running

    state = CliState.of(ctx)
    # Handler failures are printed below, once each, in the CLI's own format;
    # without a handler, logging's last resort would print them a second time.
    logger = logging.getLogger("orchestrion.events")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    event = _make_event(event_type, read_data(data_arg), source, correlation_id)

    async def main() -> tuple[list[str], list[TriggeredRun], list[DeadLetter]]:
        async with state.make_orchestrator() as orch, events_running(orch) as triggers:
            bus = bus_of(orch)
            handlers = bus.subscribers(event.type)
            await bus.publish(event)
            await bus.drain()  # delivered, and the runs it triggered finished
            letters = [letter for letter in bus.dead_letters if letter.event.id == event.id]
            return handlers, triggers.runs_for(event.id), letters

    handlers, runs, letters = anyio.run(main)
    for letter in letters:
        for failure in letter.failures:
            click.secho(
                f"warning: handler {failure.handler} failed: {failure.error_type}: {failure.error}",
                fg="yellow",
                err=True,
            )
    if as_json:
        report = PublishReport(
            event=event,
            handlers=handlers,
            runs=[_run_info(run) for run in runs],
            failures=[
                HandlerFailureInfo(
                    handler=f.handler,
                    error_type=f.error_type,
                    error=f.error,
                    timed_out=f.timed_out,
                    attempts=f.attempts,
                )
                for letter in letters
                for f in letter.failures
            ],
        )
        click.echo(report.model_dump_json(indent=2))
    else:
        _report(event, handlers, runs)
    _exit_status(runs)


def _report(event: Event, handlers: list[str], runs: list[TriggeredRun]) -> None:
    from ._run import render_output

    click.echo(
        f"published {event.type} {event.id} to {len(handlers)} handler(s); "
        f"{len(runs)} run(s) triggered",
        err=True,
    )
    for run in runs:
        click.echo(_describe(run), err=True)
        if run.error is None and getattr(run.result, "output", None) is not None:
            text = render_output(run.result.output)
            click.echo(text if text.endswith("\n") else text + "\n", nl=False)


def _exit_status(runs: list[TriggeredRun]) -> None:
    for run in runs:
        if isinstance(run.error, OrchestrionError):
            raise run.error  # a trigger that could not start its run: its own exit code
    failed = [run for run in runs if not run.ok]
    if failed:
        first = failed[0]
        run_id = str(getattr(first.result, "run_id", "") or first.trigger)
        msg = f"{len(failed)} of {len(runs)} triggered run(s) did not succeed ({_describe(first)})"
        raise RunFailed(msg, run_id=run_id)
