"""Turning plugin sets into the documented output models, and printing them.

Shared by the ``plugins`` and ``components`` commands. rich is imported only
inside the functions that draw tables, never for ``--json``.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

import click
from pydantic import BaseModel

from .._plugins._manager import PluginRecord, PluginSet
from .._plugins._selection import normalize
from ..exceptions import ConfigError
from ._models import PluginInfo

if TYPE_CHECKING:
    from rich.table import Table

__all__ = [
    "echo_json",
    "escape",
    "find_record",
    "plugin_info",
    "registers_summary",
    "status_text",
    "table",
]


def escape(text: str) -> str:
    """``text`` with rich markup escaped (imports rich, which tables need anyway)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def echo_json(model: BaseModel) -> None:
    """Print ``model`` as JSON on stdout, and nothing else."""
    click.echo(model.model_dump_json(indent=2))


def plugin_info(plugins: PluginSet, record: PluginRecord, *, commands: bool) -> PluginInfo:
    """The documented view of one plugin record; ``commands`` says whether
    ``register_commands`` was collected (else ``commands`` is null)."""
    ok = record.status == "ok"
    hooks: list[str] = []
    if ok and record.obj is not None and plugins.pm.is_registered(record.obj):
        hooks = sorted(c.name for c in plugins.pm.get_hookcallers(record.obj) or [])
    return PluginInfo(
        name=record.name,
        distribution=record.distribution,
        version=record.version,
        status=record.status,
        reason=record.reason,
        builtin=record.builtin,
        entry_point=record.value,
        hooks=hooks,
        registers=plugins.registry.owned_by(record.name) if ok else {},
        commands=list(record.commands) if commands and ok else None,
    )


def find_record(plugins: PluginSet, name: str) -> PluginRecord:
    """The record of the plugin called ``name`` (entry-point or distribution
    name); a :class:`ConfigError` with the closest names when there is none."""
    key = normalize(name)
    for record in plugins.records.values():
        if key in {normalize(record.name), normalize(record.distribution or "")}:
            if record.builtin and key == normalize(record.distribution or ""):
                continue  # "orchestrion" names the core, not one built-in plugin
            return record
    known = sorted(plugins.records)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    msg = f"no plugin named {name!r}{hint} (see: orchestrion plugins list --all)"
    raise ConfigError(msg, source="<cli>")


def registers_summary(registers: dict[str, list[str]], *, limit: int = 3) -> str:
    """``"conditions: a, b, c (+7); executors: local"`` for a table cell."""
    parts = []
    for kind, names in registers.items():
        shown = ", ".join(names[:limit])
        more = f" (+{len(names) - limit})" if len(names) > limit else ""
        parts.append(f"{kind}: {shown}{more}")
    return "; ".join(parts) or "-"


_STATUS_STYLE = {"ok": "green", "blocked": "dim", "broken": "bold red"}


def status_text(status: str) -> str:
    """The status in rich markup, coloured."""
    return f"[{_STATUS_STYLE.get(status, '')}]{status}[/]"


def table(*columns: str, title: str | None = None, **kwargs: Any) -> Table:
    """A rich table with our defaults (imports rich)."""
    from rich.table import Table

    result = Table(title=title, title_justify="left", **kwargs)
    for column in columns:
        result.add_column(column, overflow="fold")
    return result
