"""The registry: everything the loaded plugins registered, with its owner.

One registry per orchestrator. Plugins register into a staging area first
(:class:`Staging`), which is committed only if the whole plugin registered
cleanly, so a plugin that conflicts or fails half-way leaves nothing behind.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ._registrations import (
    ComponentType,
    Condition,
    EventHandler,
    ExecutorType,
    RoutingRule,
    StateStoreType,
)
from .exceptions import ConfigError

__all__ = ["KINDS", "Registry", "Staging", "Table"]

T = TypeVar("T")

#: Registration kinds: the hook that registers them and the class they must be.
KINDS: dict[str, tuple[str, type[Any]]] = {
    "components": ("register_components", ComponentType),
    "conditions": ("register_conditions", Condition),
    "rules": ("register_routing_rules", RoutingRule),
    "event_handlers": ("register_event_handlers", EventHandler),
    "executors": ("register_executors", ExecutorType),
    "state_stores": ("register_state_stores", StateStoreType),
}

# Singular nouns for messages, keyed by kind.
NOUNS = {
    "components": "component type",
    "conditions": "condition",
    "rules": "routing rule",
    "event_handlers": "event handler",
    "executors": "executor",
    "state_stores": "state store",
}


@dataclass(slots=True)
class Table(Generic[T]):
    """Registered items of one kind by name, each with the plugin that owns it."""

    kind: str
    items: dict[str, T] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)

    def __contains__(self, name: object) -> bool:
        return name in self.items

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, name: str) -> T | None:
        """The item registered under ``name``, or ``None``."""
        return self.items.get(name)

    def owner(self, name: str) -> str | None:
        """The name of the plugin that registered ``name``."""
        return self.owners.get(name)

    def require(self, name: str, *, source: str | None = None, key: str | None = None) -> T:
        """The item registered under ``name``; a :class:`ConfigError` with a
        did-you-mean suggestion when there is none."""
        try:
            return self.items[name]
        except KeyError:
            noun = NOUNS.get(self.kind, self.kind)
            close = difflib.get_close_matches(name, list(self.items), n=3, cutoff=0.6)
            hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            known = "" if close else f" (known: {', '.join(sorted(self.items)) or 'none'})"
            msg = f"unknown {noun} {name!r}{hint}{known}"
            raise ConfigError(msg, source=source, key=key) from None


@dataclass(slots=True)
class Staging:
    """What one plugin registered during its hook calls, not yet committed."""

    plugin: str
    items: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in KINDS})


class Registry:
    """Everything registered by one orchestrator's plugins."""

    def __init__(self) -> None:
        self.components: Table[ComponentType[Any]] = Table("components")
        self.conditions: Table[Condition[Any]] = Table("conditions")
        self.rules: Table[RoutingRule] = Table("rules")
        self.event_handlers: Table[EventHandler] = Table("event_handlers")
        self.executors: Table[ExecutorType] = Table("executors")
        self.state_stores: Table[StateStoreType] = Table("state_stores")
        # Bumped on every change, so caches keyed on the registry can tell.
        self.generation = 0

    def table(self, kind: str) -> Table[Any]:
        """The table of one registration kind (a key of :data:`KINDS`)."""
        table: Table[Any] = getattr(self, kind)
        return table

    def conflicts(self, staging: Staging) -> list[tuple[str, str, str]]:
        """``(kind, name, other_plugin)`` for every staged name already taken,
        or taken twice within the staging itself."""
        found: list[tuple[str, str, str]] = []
        for kind, items in staging.items.items():
            table = self.table(kind)
            seen: set[str] = set()
            for item in items:
                name = item.name
                if name in table:
                    found.append((kind, name, table.owners[name]))
                elif name in seen:
                    found.append((kind, name, staging.plugin))
                seen.add(name)
        return found

    def commit(self, staging: Staging) -> None:
        """Add a conflict-free staging to the registry."""
        for kind, items in staging.items.items():
            table = self.table(kind)
            for item in items:
                table.items[item.name] = item
                table.owners[item.name] = staging.plugin
        self.generation += 1

    def owned_by(self, plugin: str) -> dict[str, list[str]]:
        """Names registered by ``plugin``, by kind (kinds with none left out)."""
        out: dict[str, list[str]] = {}
        for kind in KINDS:
            table = self.table(kind)
            names = sorted(n for n, owner in table.owners.items() if owner == plugin)
            if names:
                out[kind] = names
        return out
