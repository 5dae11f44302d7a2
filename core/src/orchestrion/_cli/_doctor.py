"""``orchestrion plugins doctor``: check each plugin on its own, then together.

Each selected plugin is imported and validated in a fresh plugin set holding
only it (no other installed or built-in plugin), so its own problems cannot
be blamed on a neighbour; its ``register_commands`` is checked too. Then the
selected plugins are loaded together, which reveals what only shows in
company: name conflicts (registrations and commands), duplicate plugin names,
unmet requirements. Blocked plugins are not imported, only reported as blocked.
"""

from __future__ import annotations

from importlib import metadata

import click

from .._plugins._manager import BUILTIN_PLUGINS, PluginSet
from .._plugins._selection import PluginSelection, normalize
from ..exceptions import PluginError
from ._app import COMMANDS
from ._models import DoctorPluginReport, DoctorReport
from ._plugin_commands import collect_commands
from ._state import CliState
from ._views import echo_json, escape, status_text, table

__all__ = ["doctor"]

_BUILTIN_NAMES = frozenset(name for name, _ in BUILTIN_PLUGINS)


def _alone(name: str, entry_points: list[metadata.EntryPoint]) -> PluginSet:
    """A plugin set holding only plugin ``name`` (built-in or from ``entry_points``)."""
    selection = PluginSelection(
        enable=frozenset({normalize(name)}),
        disable=frozenset(_BUILTIN_NAMES - {name}),
        autoload=False,
    )
    return PluginSet(selection, entry_points=entry_points, check_required=False)


def _check_alone(name: str, entry_points: list[metadata.EntryPoint]) -> DoctorPluginReport:
    alone = _alone(name, entry_points)
    problems: list[PluginError] = list(alone.problems)
    record = alone.records[name]
    if record.status == "ok":
        collect_commands(alone, COMMANDS, problems)
    return DoctorPluginReport(
        name=name,
        distribution=record.distribution,
        version=record.version,
        status="broken" if problems else record.status,
        reason=str(problems[0]) if problems else record.reason,
        problems=[str(p) for p in problems],
    )


def _diagnose(state: CliState) -> DoctorReport:
    selection = state.selection(strict=False)
    checks: list[DoctorPluginReport] = []
    for name, _module in BUILTIN_PLUGINS:
        if selection.is_disabled(name):
            checks.append(_blocked(name, "orchestrion", None, "disabled"))
        else:
            checks.append(_check_alone(name, []))
    seen: set[str] = set()
    for ep in PluginSet.discover():
        dist = ep.dist.name if ep.dist is not None else None
        version = ep.dist.version if ep.dist is not None else None
        if ep.name in seen:
            continue  # a duplicate name: the combined load below reports it
        seen.add(ep.name)
        if not selection.allows(ep.name, dist or ""):
            reason = selection.blocked_reason(ep.name, dist or "")
            checks.append(_blocked(ep.name, dist, version, reason))
            continue
        checks.append(_check_alone(ep.name, [ep]))

    problems = [line for check in checks for line in check.problems]
    together = state.plugin_set()
    in_company: list[PluginError] = list(together.problems)
    collect_commands(together, COMMANDS, in_company)  # e.g. two plugins adding one name
    for error in in_company:
        if str(error) not in problems:
            problems.append(str(error))
    try:
        together.check_required()
    except PluginError as exc:
        problems.append(str(exc))
    return DoctorReport(ok=not problems, checks=checks, problems=problems)


def _blocked(name: str, dist: str | None, version: str | None, reason: str) -> DoctorPluginReport:
    return DoctorPluginReport(
        name=name, distribution=dist, version=version, status="blocked", reason=reason, problems=[]
    )


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see orchestrion.cli).")
@click.pass_context
def doctor(ctx: click.Context, as_json: bool) -> None:
    """Import and validate each plugin on its own, then all together; exit
    status 3 if anything is wrong."""
    state = CliState.of(ctx)
    report = _diagnose(state)
    if as_json:
        echo_json(report)
    else:
        grid = table("Plugin", "Distribution", "Version", "Status", "Problems")
        for check in report.checks:
            grid.add_row(
                escape(check.name),
                escape(check.distribution or "-"),
                escape(check.version or "?"),
                status_text(check.status),
                escape("\n".join(check.problems) or check.reason or "-"),
            )
        state.console.print(grid)
        state.report_problems(report.problems)
        verdict = "no problems found" if report.ok else f"{len(report.problems)} problem(s)"
        state.console.print(verdict)
    ctx.exit(0 if report.ok else 3)
