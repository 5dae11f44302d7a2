"""Built-in plugin ``memory``: the in-process state store (the library default)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._markers import hookimpl
from .._registrations import StateStoreType
from .._state._options import MemoryStoreOptions


def _make(options: MemoryStoreOptions) -> Any:
    # Imported on first use: listing plugins must not pay for the store code.
    from .._state._memory import MemoryStore

    return MemoryStore(options)


@hookimpl
def register_state_stores(register: Callable[[StateStoreType], None]) -> None:
    """Register the ``memory`` state store."""
    register(
        StateStoreType(
            name="memory",
            factory=_make,
            options=MemoryStoreOptions,
            description="Runs kept in this process (tests, embedded use); nothing survives it.",
        )
    )
