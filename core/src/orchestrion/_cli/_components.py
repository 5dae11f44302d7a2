"""``orchestrion components``: every registered component type and its options."""

from __future__ import annotations

from typing import Any

import click

from .._registrations import ComponentType
from ._models import ComponentInfo, ComponentListing
from ._state import CliState
from ._views import echo_json, escape

__all__ = ["components"]


def _schema(component: ComponentType[Any]) -> tuple[dict[str, Any], str | None]:
    """The options' JSON schema, or a stand-in and the problem when pydantic
    cannot produce one (an options field of an arbitrary Python type)."""
    try:
        return component.options.model_json_schema(), None
    except Exception as exc:  # pydantic raises several types here; show, do not crash
        problem = f"component type {component.name!r}: no JSON schema for its options: {exc}"
        return {"title": component.options.__name__, "x-error": str(exc)}, problem


def _options_summary(schema: dict[str, Any]) -> str:
    """``name: type = default`` per option, one per line."""
    required = set(schema.get("required", ()))
    lines = []
    for name, prop in schema.get("properties", {}).items():
        kind = prop.get("type") or " | ".join(
            str(p.get("type", p.get("$ref", "?")).rsplit("/", 1)[-1]) for p in prop.get("anyOf", ())
        )
        default = "" if name in required else f" = {prop.get('default')!r}"
        lines.append(f"{name}: {kind or 'any'}{default}")
    return "\n".join(lines) or "-"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see orchestrion.cli).")
@click.pass_context
def components(ctx: click.Context, as_json: bool) -> None:
    """List component types: options schema, capabilities, ordering hints and
    the plugin that provides each."""
    state = CliState.of(ctx)
    plugin_set = state.plugin_set()
    table_ = plugin_set.registry.components
    infos = []
    problems = [str(p) for p in plugin_set.problems]
    for name in sorted(table_):
        component = table_.items[name]
        schema, problem = _schema(component)
        if problem:
            problems.append(problem)
        infos.append(
            ComponentInfo(
                name=name,
                plugin=table_.owner(name) or "?",
                description=component.description,
                capabilities=sorted(component.capabilities),
                after=list(component.after),
                before=list(component.before),
                emits=component.emits,
                options_schema=schema,
            )
        )
    unmet = state.unmet_requirement(plugin_set)
    status_after = state.finish_diagnostics
    if as_json:
        shown = [*problems, *([str(unmet)] if unmet else [])]
        echo_json(ComponentListing(components=infos, problems=shown))
        ctx.exit(status_after(plugin_set, unmet))
    state.report_problems(problems)
    if not infos:
        state.console.print("No component types registered (see: orchestrion plugins list).")
        ctx.exit(status_after(plugin_set, unmet))
    # One block per type, not a table: schemas and hint lists are too wide for columns.
    for info in infos:
        state.console.print(
            f"[bold]{escape(info.name)}[/]  [dim](plugin {escape(info.plugin)}, "
            f"emits {info.emits})[/]"
        )
        if info.description:
            state.console.print(f"  {escape(info.description)}")
        for label, values in (
            ("capabilities", info.capabilities),
            ("after", info.after),
            ("before", info.before),
        ):
            if values:
                state.console.print(f"  {label}: {escape(', '.join(values))}")
        options = _options_summary(info.options_schema)
        state.console.print("  options:" + ("" if options != "-" else " none"))
        if options != "-":
            for line in options.splitlines():
                state.console.print(f"    {escape(line)}")
    ctx.exit(status_after(plugin_set, unmet))
