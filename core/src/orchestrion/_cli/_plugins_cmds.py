"""``orchestrion plugins list|info|hooks|doctor``: what is installed and loaded.

All of them work when some plugins are broken: plugins are loaded leniently,
problems are printed as one yellow line each on stderr, and with
``--strict-plugins`` (or the strict setting) the command still prints its
output, then exits with status 3. ``--json`` prints exactly one documented
model (:mod:`orchestrion.cli`) on stdout.
"""

from __future__ import annotations

import click

from .._plugins._manager import PluginSet
from ._app import COMMANDS
from ._doctor import doctor
from ._models import HookInfo, HookListing, PluginListing
from ._plugin_commands import plugin_commands
from ._state import CliState
from ._views import (
    echo_json,
    escape,
    find_record,
    plugin_info,
    registers_summary,
    status_text,
    table,
)

__all__ = ["plugins"]


@click.group()
def plugins() -> None:
    """Inspect installed plugins: what loads, what is blocked or broken, why."""


plugins.add_command(doctor)


def _loaded(state: CliState, *, quiet: bool = False) -> PluginSet:
    plugin_set = state.plugin_set()
    if not quiet:
        state.report_problems(plugin_set.problems)
    return plugin_set


@plugins.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also show blocked plugins.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see orchestrion.cli).")
@click.pass_context
def list_plugins(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """List plugins: name, distribution, version, status, what each registers.

    Loaded and broken plugins are always listed; blocked ones (not selected,
    so never imported) only with --all, in the table and in the JSON alike.
    """
    state = CliState.of(ctx)
    plugin_set = _loaded(state, quiet=as_json)
    records = [r for r in plugin_set.records.values() if show_all or r.status != "blocked"]
    infos = [plugin_info(plugin_set, r, commands=False) for r in records]
    unmet = state.unmet_requirement(plugin_set)
    if as_json:
        problems = [str(p) for p in [*plugin_set.problems, *filter(None, [unmet])]]
        echo_json(PluginListing(plugins=infos, problems=problems))
        ctx.exit(state.finish_diagnostics(plugin_set, unmet))
    grid = table("Name", "Distribution", "Version", "Status", "Registers / reason")
    for info in infos:
        dist = info.distribution or "(in-process)"
        if info.builtin:
            dist += " (built-in)"
        detail = registers_summary(info.registers) if info.status == "ok" else info.reason
        grid.add_row(
            escape(info.name),
            escape(dist),
            escape(info.version or "?"),
            status_text(info.status),
            escape(detail or ""),
        )
    state.console.print(grid)
    hidden = len(plugin_set.records) - len(records)
    if hidden:
        state.console.print(f"{hidden} blocked plugin(s) not shown; use --all to see them.")
    ctx.exit(state.finish_diagnostics(plugin_set, unmet))


@plugins.command("info")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see orchestrion.cli).")
@click.pass_context
def info(ctx: click.Context, name: str, as_json: bool) -> None:
    """Show one plugin (by entry-point or distribution name) in detail,
    including the CLI commands it adds."""
    state = CliState.of(ctx)
    plugin_set = _loaded(state, quiet=as_json)
    record = find_record(plugin_set, name)
    if record.status == "ok":
        plugin_commands(state, reserved=COMMANDS)
    data = plugin_info(plugin_set, record, commands=record.status == "ok")
    unmet = state.unmet_requirement(plugin_set)
    if as_json:
        echo_json(data)
        ctx.exit(state.finish_diagnostics(plugin_set, unmet))
    rows = table("Field", "Value", show_header=False, box=None)
    rows.add_row("name", escape(data.name))
    rows.add_row("distribution", escape(data.distribution or "(in-process)"))
    rows.add_row("version", escape(data.version or "?"))
    rows.add_row("built-in", "yes" if data.builtin else "no")
    rows.add_row("entry point", escape(data.entry_point or "-"))
    rows.add_row("status", status_text(data.status))
    if data.reason:
        rows.add_row("reason", escape(data.reason))
    rows.add_row("hooks", escape(", ".join(data.hooks) or "-"))
    for kind, names in data.registers.items():
        rows.add_row(kind, escape(", ".join(names)))
    if data.commands is not None:
        rows.add_row("commands", escape(", ".join(data.commands) or "-"))
    state.console.print(rows)
    ctx.exit(state.finish_diagnostics(plugin_set, unmet))


@plugins.command("hooks")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see orchestrion.cli).")
@click.pass_context
def hooks(ctx: click.Context, as_json: bool) -> None:
    """Show each hook with the plugins implementing it, in call order."""
    state = CliState.of(ctx)
    plugin_set = _loaded(state, quiet=as_json)
    listing = HookListing(
        hooks=[
            HookInfo(name=hook, implementations=names)
            for hook, names in plugin_set.hook_order().items()
        ]
    )
    unmet = state.unmet_requirement(plugin_set)
    if as_json:
        echo_json(listing)
        ctx.exit(state.finish_diagnostics(plugin_set, unmet))
    grid = table("Hook", "Implementations (in call order)")
    for hook in listing.hooks:
        grid.add_row(hook.name, escape(", ".join(hook.implementations) or "-"))
    state.console.print(grid)
    ctx.exit(state.finish_diagnostics(plugin_set, unmet))
