"""Commands added by plugins through ``register_commands``, one plugin at a time.

Each plugin gets a scratch group to add its commands to, so that a plugin that
raises, returns a value, or reuses a taken name is reported by name (one
line) and the other plugins' commands still work. ``--strict-plugins`` makes
such a problem fatal.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import click

from .._plugins._manager import PluginSet
from ..exceptions import PluginConflictError, PluginError, PluginValidationError
from ._state import CliState

__all__ = ["collect_commands", "plugin_commands"]


def plugin_commands(state: CliState, *, reserved: Collection[str]) -> Mapping[str, click.Command]:
    """The commands the selected plugins add, collected once per invocation;
    their problems are printed (or raised, in strict mode)."""
    cache = state.plugin_commands
    if cache is None:
        plugins = state.plugin_set()
        problems: list[PluginError] = []
        cache = state.plugin_commands = collect_commands(plugins, reserved, problems)
        plugins.problems.extend(problems)
        # A broken plugin may be the one that provides the command asked for,
        # so its load problem is worth showing here too.
        if plugins.problems and state.selection().strict:
            raise plugins.problems[0]
        state.report_problems(plugins.problems)
    return cache


def collect_commands(
    plugins: PluginSet, reserved: Collection[str], problems: list[PluginError]
) -> dict[str, click.Command]:
    """Call every ``register_commands`` implementation on its own scratch group
    and gather the commands; each problem is appended to ``problems`` and the
    offending plugin's commands are left out. Each loaded plugin's record gets
    the names of the commands it added (``PluginRecord.commands``)."""
    commands: dict[str, click.Command] = {}
    owners: dict[str, str] = {}
    for impl in plugins.implementations("register_commands"):
        name = impl.plugin_name
        record = plugins.records.get(name)
        label = _label(plugins, name)
        scratch = click.Group(name="orchestrion")

        def problem(cls: type[PluginError], text: str, *, name: str = name) -> PluginError:
            return _error(cls, plugins, name, text)

        try:
            returned = plugins.call_impl("register_commands", impl, cli=scratch)
        except Exception as exc:  # the plugin's own code: report, never crash the CLI
            text = f"failed in register_commands(): {type(exc).__name__}: {exc}"
            problems.append(problem(PluginValidationError, text))
            continue
        if returned is not None:
            text = f"returned {type(returned).__name__} from register_commands(); "
            problems.append(problem(PluginValidationError, text + "call cli.add_command() instead"))
            continue
        added: list[str] = []
        for command_name, command in sorted(scratch.commands.items()):
            if command_name in reserved:
                text = f"adds command {command_name!r}, which is a built-in command"
                problems.append(problem(PluginValidationError, text))
            elif command_name in commands:
                other = owners[command_name]
                other_label = _label(plugins, other)
                msg = (
                    f"{label} adds command {command_name!r}, already added by {other_label}; "
                    f"disable one of them with -p no:{name} or -p no:{other}"
                )
                problems.append(
                    PluginConflictError(
                        msg,
                        plugin=name,
                        other=other,
                        distribution=record.distribution if record else None,
                        version=record.version if record else None,
                    )
                )
            else:
                commands[command_name] = command
                owners[command_name] = name
                added.append(command_name)
        if record is not None:
            record.commands = added
    return commands


def _label(plugins: PluginSet, name: str) -> str:
    record = plugins.records.get(name)
    return record.label() if record is not None else f"plugin {name!r}"


def _error(cls: type[PluginError], plugins: PluginSet, name: str, text: str) -> PluginError:
    record = plugins.records.get(name)
    msg = f"{_label(plugins, name)} {text}; disable it with -p no:{name}"
    dist = record.distribution if record is not None else None
    version = record.version if record is not None else None
    return cls(msg, plugin=name, distribution=dist, version=version)
