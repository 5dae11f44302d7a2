"""``orchestrion run WORKFLOW_FILE`` and ``orchestrion demo``.

On a terminal: a live progress display (steps done/total) on stderr, then a
summary table and the run's output. Not on a terminal: the output on stdout
and one plain line per step on stderr. ``--json`` prints only the
:class:`~orchestrion.RunResult` on stdout. Exit status 0 when the run
succeeded (possibly degraded), 1 when it ended partial, failed or cancelled,
2 for a configuration error.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..exceptions import ConfigError
from ._state import CliState

if TYPE_CHECKING:
    from .._engine._model import Workflow
    from .._engine._results import RunResult
    from .._engine._scheduler import RunState
    from .._orchestrator import Orchestrator

__all__ = ["demo", "run"]

_STATUS_STYLE = {
    "succeeded": "green",
    "degraded": "yellow",
    "partial": "yellow",
    "failed": "red",
    "skipped": "dim",
    "cancelled": "magenta",
}


def read_input(source: str | None, fmt: str) -> Any:
    """The run input from ``--input`` (a path or ``-``) in ``--input-format``."""
    if source is None:
        return None
    if source == "-":
        text = sys.stdin.read()
        name = "<stdin>"
    else:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"cannot read input file: {exc}"
            raise ConfigError(msg, source=source, key="--input") from None
        name = source
    if fmt == "json" or (fmt == "auto" and name.lower().endswith(".json")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            msg = f"input is not valid JSON: {exc}; use --input-format text to pass it as text"
            raise ConfigError(msg, source=name, key="--input") from None
    return text


def render_output(value: Any) -> str:
    """A run output as text: strings as they are, anything else as JSON."""
    if isinstance(value, str):
        return value
    from pydantic_core import to_json

    return to_json(value, indent=2, serialize_unknown=True).decode()


def write_output(value: Any, target: str) -> None:
    """Write the run output to ``target`` (a path or ``-``)."""
    text = render_output(value)
    if not text.endswith("\n"):
        text += "\n"
    if target == "-":
        click.echo(text, nl=False)
        return
    try:
        Path(target).write_text(text, encoding="utf-8")
    except OSError as exc:
        msg = f"cannot write output file: {exc}"
        raise ConfigError(msg, source=target, key="--output") from None


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def _summary_table(state: CliState, result: RunResult) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"run {result.run_id} · {result.workflow}", title_justify="left")
    for column in ("step", "component", "status", "items", "attempts", "duration"):
        table.add_column(column, no_wrap=True, justify="right" if column == "items" else "left")
    errors = any(step.error is not None for step in result.steps.values())
    if errors:
        table.add_column("error", overflow="fold")
    for step in result.steps.values():
        items = "" if step.items is None else str(len(step.items))
        error = "" if step.error is None else f"{step.error.type}: {step.error.message}"
        cells: list[Any] = [
            step.name,
            step.component,
            Text(step.status, style=_STATUS_STYLE[step.status]),
            items,
            str(step.attempts),
            _duration(step.duration),
        ]
        if errors:
            cells.append(Text(error[:200]))
        table.add_row(*cells)
    console = state.console
    console.print(table)
    totals = result.totals
    console.print(
        Text.assemble(
            ("status ", "bold"),
            (result.status, _STATUS_STYLE[result.status]),
            f" · {totals.steps} steps, {totals.items} items · {_duration(result.duration)}",
        )
    )


def _plain_summary(result: RunResult) -> None:
    for step in result.steps.values():
        line = f"{step.name}\t{step.status}\t{_duration(step.duration)}"
        if step.error is not None:
            line += f"\t{step.error.type}: {step.error.message}"
        click.echo(line, err=True)
    click.echo(f"run {result.run_id} {result.status} in {_duration(result.duration)}", err=True)


async def _run_with_progress(
    orch: Orchestrator, workflow: Workflow, data: Any, state: CliState, **kwargs: Any
) -> RunResult:
    import anyio
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=state.err_console,
        transient=True,
    )
    task = progress.add_task(workflow.name, total=len(workflow.steps))
    seen: list[RunState] = []

    async def refresh() -> None:
        while True:
            if seen:
                run = seen[0]
                progress.update(task, completed=run.n - run.remaining)
            await anyio.sleep(0.1)

    with progress:
        async with anyio.create_task_group() as tg:
            tg.start_soon(refresh)
            result = await orch.engine.run(workflow, data, observer=seen.append, **kwargs)
            tg.cancel_scope.cancel()
    return result


def execute_and_report(
    state: CliState,
    workflow: Workflow,
    data: Any,
    *,
    output: str | None,
    as_json: bool,
    concurrency: int | None,
    deadline: float | None,
    state_path: str | None = None,
) -> None:
    """Run ``workflow`` and print what the options ask for; :class:`RunFailed`
    (exit 1) when the run did not succeed. The run is recorded in the state
    store ``state_path`` selects (see ``_runs.orchestrator_with_state``)."""
    import anyio

    if as_json and output == "-":
        msg = "--json and --output - both write to stdout; give --output a file"
        raise ConfigError(msg, source="<cli>", key="--output")
    kwargs: dict[str, Any] = {"concurrency": concurrency, "deadline": deadline}
    live = not as_json and state.err_console.is_terminal

    async def main() -> RunResult:
        from ._runs import orchestrator_with_state

        async with orchestrator_with_state(state, state_path) as orch:
            orch.validate(workflow)
            if live:
                return await _run_with_progress(orch, workflow, data, state, **kwargs)
            return await orch.run(workflow, data, **kwargs)

    result = anyio.run(main)
    report_result(state, result, as_json=as_json, output=output)


def report_result(state: CliState, result: RunResult, *, as_json: bool, output: str | None) -> None:
    """Print a finished run the way ``run`` and ``resume`` both do (JSON, a
    summary table on a terminal, or plain text), write its output, and raise
    :class:`RunFailed` (exit 1) unless it succeeded or degraded."""
    if as_json:
        click.echo(result.model_dump_json(indent=2))
        if output is not None:
            write_output(result.output, output)
    elif state.console.is_terminal:
        _summary_table(state, result)
        if output is not None:
            write_output(result.output, output)
        elif result.output is not None:
            state.console.print()
            state.console.print(render_output(result.output), markup=False, highlight=False)
    else:
        _plain_summary(result)
        write_output(result.output, output or "-")
    if not result.ok:
        result.raise_for_status()


def _load(path: str) -> Workflow:
    from .._engine._loader import load_workflow

    return load_workflow(path)


_RUN_OPTIONS = [
    click.option(
        "--output",
        "output",
        metavar="FILE|-",
        help="Write the run's output here ('-': stdout); text as is, anything else as JSON.",
    ),
    click.option("--json", "as_json", is_flag=True, help="Print the run result as JSON."),
    click.option(
        "--concurrency",
        type=click.IntRange(min=1),
        metavar="N",
        help="Most step calls (or fan-out items) in flight at once.",
    ),
    click.option(
        "--deadline",
        type=click.FloatRange(min=0, min_open=True),
        metavar="SECONDS",
        help="Cancel the run after this long (it ends 'cancelled', exit status 1).",
    ),
    click.option(
        "--state",
        "state_path",
        metavar="FILE",
        help="Record the run in this state file (':memory:' for none); resume it with "
        "'orchestrion resume RUN_ID'. Default: ORCHESTRION_STATE, [state] in config, "
        "else $XDG_DATA_HOME/orchestrion/state.sqlite.",
    ),
]


def _with_run_options(function: Any) -> Any:
    for option in reversed(_RUN_OPTIONS):
        function = option(function)
    return function


@click.command()
@click.argument("workflow_file", type=click.Path(dir_okay=False))
@click.option(
    "--input",
    "input_source",
    metavar="FILE|-",
    help="The run input ('-': stdin). Without it the input is null.",
)
@click.option(
    "--input-format",
    type=click.Choice(["auto", "json", "text"]),
    default="auto",
    show_default=True,
    help="auto: JSON for a .json file, text otherwise.",
)
@_with_run_options
@click.pass_context
def run(
    ctx: click.Context,
    /,
    workflow_file: str,
    input_source: str | None,
    input_format: str,
    output: str | None,
    as_json: bool,
    concurrency: int | None,
    deadline: float | None,
    state_path: str | None,
) -> None:
    """Run the workflow in WORKFLOW_FILE (.toml, .yaml or .json).

    Exit status: 0 succeeded or degraded, 1 partial, failed or cancelled,
    2 configuration error.
    """
    state = CliState.of(ctx)
    workflow = _load(workflow_file)
    data = read_input(input_source, input_format)
    try:
        execute_and_report(
            state,
            workflow,
            data,
            output=output,
            as_json=as_json,
            concurrency=concurrency,
            deadline=deadline,
            state_path=state_path,
        )
    except ConfigError as exc:
        if exc.source is None:  # a validation error: name the file
            raise ConfigError(exc.message, source=workflow_file, key=exc.key) from None
        raise


def demo_files() -> tuple[str, str]:
    """The demo workflow (TOML) and its sample input text, as shipped."""
    folder = resources.files("orchestrion._builtin").joinpath("demo")
    workflow = folder.joinpath("text_report.toml").read_text(encoding="utf-8")
    sample = folder.joinpath("sample.txt").read_text(encoding="utf-8")
    return workflow, sample


@click.command()
@_with_run_options
@click.pass_context
def demo(
    ctx: click.Context,
    /,
    output: str | None,
    as_json: bool,
    concurrency: int | None,
    deadline: float | None,
    state_path: str | None,
) -> None:
    """Run the built-in text-report workflow on a sample text.

    It splits the text into lines, counts the words of every line
    concurrently (fan-out), gathers the counts into statistics while another
    branch finds the most frequent words, and renders a report. The workflow
    file is examples/workflows/text_report.toml in the source tree.
    """
    from .._engine._loader import loads_workflow

    state = CliState.of(ctx)
    text, sample = demo_files()
    workflow = loads_workflow(text, format="toml", source="<demo>")
    execute_and_report(
        state,
        workflow,
        sample,
        output=output,
        as_json=as_json,
        concurrency=concurrency,
        deadline=deadline,
        state_path=state_path,
    )
