"""The root ``orchestrion`` command: global options, lazy subcommands, exit codes.

Adding a built-in command
-------------------------
Write it as a click command (or group) in its own module under
``orchestrion/_cli/`` and add **one line** to :data:`COMMANDS` below, mapping
its name to ``"module:attribute"``. The module is imported only when that
command runs (or for ``--help``), which keeps ``orchestrion plugins list``
fast: do not import heavy libraries (rich, the engine) at the top of a command
module unless that command always needs them.

Inside the command, ``state = CliState.of(ctx)`` (from ``_state``) gives the
root options and builds what they select: ``state.make_orchestrator()``,
``state.console``, ``state.report_problems(...)``.
Raise :mod:`orchestrion.exceptions` errors for user mistakes: the group turns
them into one ``error: ...`` line on stderr and the error's ``exit_code``
(0 ok, 1 run failed, 2 usage or configuration, 3 plugin); ``--traceback``
adds the traceback. Click usage errors exit with 2.

Plugins add commands through the ``register_commands`` hook; they are
collected only when a name that is not built in is asked for, and for
``--help`` (see ``_plugin_commands``).
"""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, Any

import click

from .._version import __version__
from ..exceptions import OrchestrionError
from ._state import CliState

__all__ = ["COMMANDS", "LazyGroup", "cli", "main"]

#: Built-in commands: name -> "module:attribute", imported on first use.
COMMANDS: dict[str, str] = {
    "components": "orchestrion._cli._components:components",
    "demo": "orchestrion._cli._run:demo",
    "events": "orchestrion._cli._events:events",
    "health": "orchestrion._cli._metrics:health",
    "metrics": "orchestrion._cli._metrics:metrics",
    "plugins": "orchestrion._cli._plugins_cmds:plugins",
    "process": "orchestrion._cli._route:process",
    "resume": "orchestrion._cli._resume:resume",
    "route": "orchestrion._cli._route:route",
    "run": "orchestrion._cli._run:run",
    "runs": "orchestrion._cli._runs:runs",
    "stream": "orchestrion._cli._stream:stream",
    "serve-metrics": "orchestrion._cli._metrics:serve_metrics",
}


class ReportedError(click.ClickException):
    """An :class:`OrchestrionError` on its way out of the CLI: one line on
    stderr (plus the traceback with ``--traceback``) and the error's exit code."""

    def __init__(self, error: OrchestrionError, *, show_traceback: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.show_traceback = show_traceback

    @property
    def exit_code(self) -> int:  # click exits with this
        """The exit status of the wrapped error's family."""
        return self.error.exit_code

    @exit_code.setter
    def exit_code(self, value: int) -> None:  # click's own __init__ sets it
        pass

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the error (click calls this before exiting)."""
        if self.show_traceback:
            text = "".join(traceback.format_exception(self.error))
            click.echo(text.rstrip("\n"), err=True)
        click.secho(f"error: {self.format_message()}", fg="red", err=True)


@contextmanager
def _reported(ctx: click.Context) -> Iterator[None]:
    try:
        yield
    except OrchestrionError as exc:
        show = bool(ctx.find_root().params.get("show_traceback"))
        raise ReportedError(exc, show_traceback=show) from exc


class LazyGroup(click.Group):
    """A click group whose built-in subcommands are imported on first use and
    which also offers the commands plugins register."""

    def __init__(self, *args: Any, lazy: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Built-in and plugin command names, sorted (this loads plugin commands)."""
        with _reported(ctx):
            return sorted({*self.lazy, *self.commands, *self._plugin_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """A built-in command, imported now, or else a plugin's command."""
        target = self.lazy.get(cmd_name)
        if target is not None:
            module, _, attribute = target.partition(":")
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command):  # a wrong COMMANDS entry: our bug
                msg = f"COMMANDS[{cmd_name!r}] = {target!r} is not a click command"
                raise TypeError(msg)
            return command
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        with _reported(ctx):
            return self._plugin_commands(ctx).get(cmd_name)

    def _plugin_commands(self, ctx: click.Context) -> Mapping[str, click.Command]:
        from ._plugin_commands import plugin_commands

        return plugin_commands(CliState.of(ctx), reserved={*self.lazy, *self.commands})

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse the root options, turning Orchestrion errors into exit codes."""
        with _reported(ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand, turning Orchestrion errors into exit codes."""
        with _reported(ctx):
            return super().invoke(ctx)


# The global options are eager so that they are parsed before an eager --help
# (which lists plugin commands, and so must see -p and friends) acts.
@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="orchestrion")
@click.option(
    "--plugins",
    "only_plugins",
    metavar="A,B",
    is_eager=True,
    help="Load only these installed plugins (entry-point or distribution names).",
)
@click.option(
    "-p",
    "plugin_flags",
    metavar="NAME",
    multiple=True,
    is_eager=True,
    help="Also load plugin NAME; '-p no:NAME' blocks it (never imported). Repeatable.",
)
@click.option(
    "--no-autoload",
    is_flag=True,
    is_eager=True,
    help="Do not load installed plugins unless selected with --plugins or -p.",
)
@click.option(
    "--strict-plugins",
    is_flag=True,
    is_eager=True,
    help="Make any plugin problem fatal (exit status 3).",
)
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    is_eager=True,
    help="Configuration file (default: the nearest orchestrion.toml or pyproject.toml).",
)
@click.option(
    "--traceback",
    "show_traceback",
    is_flag=True,
    is_eager=True,
    help="Show the full traceback of errors.",
)
@click.pass_context
def cli(ctx: click.Context, /, **_options: Any) -> None:
    """Orchestrate data-processing and agent workflows through plugins.

    Exit status: 0 ok, 1 a run failed, 2 usage or configuration error,
    3 plugin error, 4 the run to resume is owned by another live process.
    """
    CliState.of(ctx)


def main(args: Sequence[str] | None = None) -> None:
    """Run the ``orchestrion`` command and exit with its status."""
    try:
        cli.main(args=list(args) if args is not None else None, prog_name="orchestrion")
    except BrokenPipeError:  # `orchestrion plugins list | head`
        sys.stderr.close()
        sys.exit(1)
