"""The event model: a typed message published on an orchestrator's event bus."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["EVENT_TYPE_PATTERN", "Event", "check_event_type"]

#: Event types are dotted lower-case names: ``run.finished``, ``order.v2.created``.
EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_][a-z0-9_-]*)*$")
_MAX_TYPE_LENGTH = 200


def check_event_type(value: object) -> str:
    """``value`` if it is a valid event type; a ``ValueError`` saying why not otherwise."""
    if not isinstance(value, str):
        msg = f"event type must be a string, got {type(value).__name__}"
        raise ValueError(msg)  # noqa: TRY004 - pydantic turns ValueError into a validation error
    if len(value) > _MAX_TYPE_LENGTH or not EVENT_TYPE_PATTERN.match(value):
        msg = (
            f"event type {value[:_MAX_TYPE_LENGTH]!r} is not a dotted lower-case name "
            "(letters, digits, '_' and '-', parts separated by '.', e.g. 'order.created')"
        )
        raise ValueError(msg)
    return value


def _check_json(value: object, path: str) -> None:
    # Events may be persisted (dead letters) and printed by the CLI, so their
    # data must survive JSON; finding out at publish time names the key.
    if value is None or isinstance(value, str | int | float | bool):
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                msg = f"data{path}: keys must be strings, got {type(key).__name__}"
                raise ValueError(msg)  # noqa: TRY004 - see check_event_type
            _check_json(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_json(item, f"{path}[{index}]")
        return
    msg = (
        f"data{path}: {type(value).__name__} is not JSON-compatible; put a summary "
        "in the event (see payload_summary), not the object"
    )
    raise ValueError(msg)


def _new_id() -> str:
    # 128 random bits, like uuid4().hex, without importing uuid (slow to import).
    return os.urandom(16).hex()


def _now() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    """A typed message: ``type`` is a dotted name (``step.failed``), ``data`` a
    JSON-compatible mapping that never holds a copy of processed payloads (only
    sizes and hashes, see :func:`orchestrion.events.payload_summary`).

    ``correlation_id`` ties related events together: the run id for run and
    step events, ``breaker:NAME`` for a breaker's transitions. The bus delivers
    events sharing one to each handler in publication order.

    Events are immutable and shared by every handler they are delivered to:
    treat ``data`` as read-only.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str = Field(description="Dotted event type, e.g. 'run.finished'.")
    id: str = Field(default_factory=_new_id, description="Unique event id (32 hex digits).")
    time: datetime = Field(default_factory=_now, description="When the event was created (UTC).")
    source: str = Field(default="orchestrion", min_length=1, description="Who published it.")
    data: dict[str, Any] = Field(default_factory=dict, description="JSON-compatible details.")
    correlation_id: str | None = Field(
        default=None, description="Ties related events (the run id for run and step events)."
    )

    @field_validator("type")
    @classmethod
    def _valid_type(cls, value: str) -> str:
        return check_event_type(value)

    @field_validator("data")
    @classmethod
    def _json_data(cls, value: dict[str, Any]) -> dict[str, Any]:
        _check_json(value, "")
        return value
