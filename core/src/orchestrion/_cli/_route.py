"""``orchestrion route [FILE|-]`` and ``orchestrion process [FILE|-]``.

``route`` prints the route the router chooses for the data (one line per
step) and, with ``--explain``, the whole decision trace: every rule and
condition evaluated with its result and why, each plugin's requirements, the
ordering hints applied and the health figures behind each choice. ``process``
routes the data, assembles the route into a workflow and runs it.

The data is the file's text by default, so that the route decides how to
parse it; ``--input-format json`` routes the parsed JSON value and ``bytes``
the raw bytes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..exceptions import ConfigError
from ._state import CliState

if TYPE_CHECKING:
    from .._engine._results import RunResult
    from .._routing._route import Route

__all__ = ["process", "route"]

_FORMATS = ("text", "json", "bytes")


def read_data(source: str, fmt: str) -> Any:
    """The data in ``source`` (a path or ``-`` for stdin) as text, JSON or bytes."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        msg = f"cannot read input: {exc.strerror or exc}"
        raise ConfigError(msg, source=source, key="FILE") from None
    name = "<stdin>" if source == "-" else source
    if fmt == "bytes":
        return raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        msg = "input is not UTF-8 text; use --input-format bytes to route the raw bytes"
        raise ConfigError(msg, source=name, key="FILE") from None
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            msg = f"input is not valid JSON: {exc}; use --input-format text to route the text"
            raise ConfigError(msg, source=name, key="FILE") from None
    return text


def _route_json(route: Route, *, explain: bool) -> dict[str, Any]:
    out = route.to_dict()
    if not explain:
        out.pop("explanation")
    return out


def _echo_route(route: Route, *, explain: bool, err: bool = False) -> None:
    if explain:
        click.echo(route.explanation.render(), err=err)
        click.echo("route:", err=err)
        for line in route.render().splitlines():
            click.echo(f"  {line}", err=err)
    else:
        click.echo(route.render(), err=err)


_ARG = click.argument("source", metavar="[FILE|-]", default="-", required=False)
_FORMAT = click.option(
    "--input-format",
    type=click.Choice(_FORMATS),
    default="text",
    show_default=True,
    help="Route the file's text, its parsed JSON value, or its raw bytes.",
)
_EXPLAIN = click.option(
    "--explain", is_flag=True, help="Print every rule and condition evaluated, and why."
)
_JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


@click.command()
@_ARG
@_FORMAT
@_EXPLAIN
@_JSON
@click.pass_context
def route(
    ctx: click.Context, /, source: str, input_format: str, explain: bool, as_json: bool
) -> None:
    """Print the route chosen for the data in FILE (default: stdin).

    Exit status: 0 ok, 2 configuration error (a bad rule, contradicting
    hints), 3 plugin error.
    """
    state = CliState.of(ctx)
    data = read_data(source, input_format)
    orch = state.make_orchestrator()
    chosen = orch.plan(data)
    if as_json:
        click.echo(json.dumps(_route_json(chosen, explain=explain), indent=2))
    else:
        _echo_route(chosen, explain=explain)


@click.command()
@_ARG
@_FORMAT
@_EXPLAIN
@_JSON
@click.pass_context
def process(
    ctx: click.Context, /, source: str, input_format: str, explain: bool, as_json: bool
) -> None:
    """Route the data in FILE (default: stdin), assemble the route and run it.

    Prints the run's output (with --json: the route and the run result; with
    --explain the decision trace goes to stderr, or into the JSON).
    Exit status: 0 succeeded or degraded, 1 partial, failed or cancelled,
    2 configuration error, 3 plugin error.
    """
    import anyio

    from ._run import render_output

    state = CliState.of(ctx)
    data = read_data(source, input_format)

    async def main() -> tuple[Route, RunResult]:
        async with state.make_orchestrator() as orch:
            chosen = orch.plan(data)
            if explain and not as_json:
                _echo_route(chosen, explain=True, err=True)
            return chosen, await orch.process(data, route=chosen)

    chosen, result = anyio.run(main)
    if as_json:
        payload = {
            "route": _route_json(chosen, explain=explain),
            "result": result.model_dump(mode="json"),
        }
        click.echo(json.dumps(payload, indent=2))
    else:
        text = render_output(result.output)
        click.echo(text if text.endswith("\n") else text + "\n", nl=False)
        if not result.ok:
            for step in result.steps.values():
                if step.error is not None:
                    click.echo(f"{step.name}: {step.error.type}: {step.error.message}", err=True)
    result.raise_for_status()
