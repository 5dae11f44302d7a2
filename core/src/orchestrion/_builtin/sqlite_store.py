"""Built-in plugin ``sqlite``: the SQLite state store (the CLI default)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._markers import hookimpl
from .._registrations import StateStoreType
from .._state._options import SqliteStoreOptions


def _make(options: SqliteStoreOptions) -> Any:
    # Imported on first use: listing plugins must not pay for the store code.
    from .._state._sqlite import SqliteStore

    return SqliteStore(options)


@hookimpl
def register_state_stores(register: Callable[[StateStoreType], None]) -> None:
    """Register the ``sqlite`` state store."""
    register(
        StateStoreType(
            name="sqlite",
            factory=_make,
            options=SqliteStoreOptions,
            description="Runs in one SQLite file (WAL), resumable after a crash.",
        )
    )
