"""The options models of the built-in state stores (kept apart from the stores
so that registering them imports neither sqlite3 nor the store code)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DEFAULT_TTL", "MemoryStoreOptions", "SqliteStoreOptions"]

#: Seconds a lease lasts without a heartbeat (renewed every third of it).
DEFAULT_TTL = 30.0


class MemoryStoreOptions(BaseModel):
    """Options of the ``memory`` state store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_runs: int = Field(
        default=100, ge=1, description="Finished runs kept; older ones are forgotten."
    )


class SqliteStoreOptions(BaseModel):
    """Options of the ``sqlite`` state store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str | None = Field(
        default=None,
        description="The database file (default: $XDG_DATA_HOME/orchestrion/state.sqlite).",
    )
    synchronous: Literal["normal", "full"] = Field(
        default="normal",
        description="normal: commits survive a process crash; full: also a power loss "
        "(an fsync per commit).",
    )
    busy_timeout: float = Field(
        default=10.0, gt=0, description="Seconds to wait for another process's write lock."
    )
    lease_ttl: float = Field(
        default=DEFAULT_TTL, gt=0, description="Seconds a run's lease lasts without a heartbeat."
    )
