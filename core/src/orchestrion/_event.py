"""The event model: a typed message published on an orchestrator's event bus."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Event"]


def _now() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """A typed message: ``type`` is a dotted name (``step.failed``), ``data`` a
    JSON-compatible mapping that never holds a copy of processed payloads (only
    sizes and hashes), ``correlation_id`` the run id for lifecycle events."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str = Field(description="Dotted event type, e.g. 'run.finished'.")
    id: str = Field(default_factory=lambda: uuid.uuid4().hex, description="Unique event id.")
    time: datetime = Field(default_factory=_now, description="When the event was created (UTC).")
    source: str = Field(default="orchestrion", description="Who published it.")
    data: dict[str, Any] = Field(default_factory=dict, description="JSON-compatible details.")
    correlation_id: str | None = Field(default=None, description="Run id for lifecycle events.")
