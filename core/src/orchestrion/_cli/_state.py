"""What every command needs from the root command's options: ``ctx.obj``.

Commands get it with ``state = CliState.of(ctx)`` and build
what they need from it: ``state.make_orchestrator()`` for commands that run
things, ``state.plugin_set()`` for the diagnostic ones, which need no more
than the plugins. Everything is built lazily and at most once per invocation,
and nothing heavy (rich) is imported until a command asks for it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .._config import Config, load_config
from .._plugins._manager import PluginSet
from .._plugins._selection import PluginSelection, resolve_selection
from ..exceptions import PluginError

if TYPE_CHECKING:
    from rich.console import Console

    from .._orchestrator import Orchestrator

__all__ = ["CliState"]


@dataclasses.dataclass(slots=True, kw_only=True)
class CliState:
    """The root command's options, and what they build (``ctx.obj``)."""

    #: ``--plugins a,b``: load only these installed plugins (``None``: not given).
    only: list[str] | None = None
    #: ``-p NAME``: also load NAME.
    add: list[str] = dataclasses.field(default_factory=list)
    #: ``-p no:NAME``: never load (or import) NAME.
    disable: list[str] = dataclasses.field(default_factory=list)
    no_autoload: bool = False
    strict: bool = False
    config_path: Path | None = None
    traceback: bool = False
    env: Mapping[str, str] = dataclasses.field(default_factory=lambda: os.environ)
    #: Commands added by plugins, once collected (see ``_plugin_commands``).
    plugin_commands: dict[str, click.Command] | None = None
    _config: Config | None = None
    _plugin_set: PluginSet | None = None
    _console: Console | None = None
    _err_console: Console | None = None
    #: Problems already printed, so each is printed once per invocation.
    _reported: set[str] = dataclasses.field(default_factory=set)

    @classmethod
    def of(cls, ctx: click.Context) -> CliState:
        """The state of this invocation, created from the root command's
        parameters on first use (which may come before the root callback: click
        resolves subcommands, and ``--help`` lists them, before it runs)."""
        root = ctx.find_root()
        if isinstance(root.obj, CliState):
            return root.obj
        state = cls.from_params(root.params)
        root.obj = state
        # The CLI prints plugin problems itself (one yellow line each); without
        # a handler, logging's last-resort handler would print them again.
        logger = logging.getLogger("orchestrion.plugins")
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        return state

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> CliState:
        """Build the state from the root command's parsed parameters."""
        add: list[str] = []
        disable: list[str] = []
        for value in params.get("plugin_flags") or ():
            if value.startswith("no:"):
                disable.append(value[3:])
            else:
                add.append(value)
        only = params.get("only_plugins")
        config = params.get("config_path")
        return cls(
            only=None if only is None else [n for n in only.split(",") if n.strip()],
            add=add,
            disable=disable,
            no_autoload=bool(params.get("no_autoload")),
            strict=bool(params.get("strict_plugins")),
            config_path=Path(config) if config else None,
            traceback=bool(params.get("show_traceback")),
        )

    # -- what the options build ----------------------------------------------

    def config(self) -> Config:
        """The configuration: ``--config FILE``, else the nearest
        ``orchestrion.toml`` / ``pyproject.toml`` with ``[tool.orchestrion]``."""
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config

    def selection(self, *, strict: bool | None = None) -> PluginSelection:
        """The plugin selection from CLI options, environment and config;
        ``strict`` overrides the resolved strictness when given."""
        selection = resolve_selection(
            config=self.config().plugins,
            env=self.env,
            cli_enable=self.only,
            cli_disable=self.disable,
            cli_add=self.add,
            cli_no_autoload=self.no_autoload,
            cli_strict=self.strict,
        )
        if strict is not None and strict != selection.strict:
            selection = dataclasses.replace(selection, strict=strict)
        return selection

    def plugin_set(self) -> PluginSet:
        """The selected plugins, loaded leniently so that diagnostic commands can
        show broken ones; requirements are not checked here (see
        :meth:`finish_diagnostics`)."""
        if self._plugin_set is None:
            self._plugin_set = PluginSet(
                self.selection(strict=False), check_required=False, config=self.config()
            )
        return self._plugin_set

    def make_orchestrator(self, **kwargs: Any) -> Orchestrator:
        """A new :class:`~orchestrion.Orchestrator` with the selected plugins and
        the loaded configuration; plugin problems are printed (one yellow line
        each) and, in strict mode or for unmet requirements, raised."""
        from .._orchestrator import Orchestrator

        kwargs.setdefault("config", self.config())
        kwargs.setdefault("selection", self.selection())
        orchestrator = Orchestrator(**kwargs)
        self.report_problems(orchestrator.plugin_problems)
        return orchestrator

    def unmet_requirement(self, plugins: PluginSet) -> PluginError | None:
        """The first unmet ``plugins.required`` entry of ``plugins``, if any, for
        diagnostic commands to show before :meth:`finish_diagnostics` raises it."""
        try:
            plugins.check_required()
        except PluginError as exc:
            return exc
        return None

    def finish_diagnostics(self, plugins: PluginSet, unmet: PluginError | None = None) -> int:
        """After a diagnostic listing is printed: the exit status it ends with.

        An unmet requirement is raised (exit status 3). In strict mode, any
        plugin problem ends the command with status 3 too.
        """
        if unmet is not None:
            raise unmet
        strict = self.selection().strict
        return 3 if strict and plugins.problems else 0

    # -- output -------------------------------------------------------------

    @property
    def console(self) -> Console:
        """A rich console on stdout, created (and rich imported) on first use."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False)
        return self._console

    @property
    def err_console(self) -> Console:
        """A rich console on stderr, created on first use."""
        if self._err_console is None:
            from rich.console import Console

            self._err_console = Console(stderr=True, highlight=False)
        return self._err_console

    def report_problems(self, problems: Iterable[PluginError | str]) -> None:
        """Print each plugin problem once, as one line on stderr: a yellow
        ``warning:``, or a red ``error:`` in strict mode (where it is fatal)."""
        fatal = self.selection().strict
        for problem in problems:
            text = str(problem)
            if text in self._reported:
                continue
            self._reported.add(text)
            # click.secho, not rich: a line of text need not pay for importing rich.
            if fatal:
                click.secho(f"error: {text}", fg="red", err=True)
            else:
                click.secho(f"warning: {text}", fg="yellow", err=True)
