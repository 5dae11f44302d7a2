"""What a state store keeps: one :class:`RunRecord` per run and one
:class:`StepRecord` per committed step (or fan-out item) result, plus the
fingerprints that tell a resume whether the workflow or plugin set changed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "RUNNING",
    "RunRecord",
    "StepRecord",
    "error_of",
    "fingerprint",
    "plugin_versions",
]

RunRecordStatus = Literal["running", "succeeded", "degraded", "partial", "failed", "cancelled"]

#: The status of a run that has started and not finished (or whose process died).
RUNNING: RunRecordStatus = "running"


class RunRecord(BaseModel):
    """One run as a state store keeps it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str
    workflow: str = Field(description="The workflow's name.")
    definition: dict[str, Any] = Field(description="The workflow as resolved (JSON form).")
    source: str | None = Field(default=None, description="The workflow file, if any.")
    input: Any = Field(default=None, description="The run input.")
    plugins: dict[str, str | None] = Field(
        default_factory=dict, description="Loaded plugins and their versions."
    )
    workflow_hash: str = Field(description="sha256 of the definition.")
    plugins_hash: str = Field(description="sha256 of the plugin set and versions.")
    status: RunRecordStatus = RUNNING
    created_at: datetime = Field(description="UTC.")
    updated_at: datetime = Field(description="UTC; the last status change.")
    finished_at: datetime | None = Field(default=None, description="UTC.")
    summary: dict[str, Any] | None = Field(
        default=None, description="The final totals and output of a finished run."
    )


# Not frozen: a frozen dataclass sets each field through object.__setattr__,
# which tripled the cost of making one record per step.
@dataclass(slots=True)
class StepRecord:
    """The committed result of one step (``item`` is ``None``) or one fan-out item.

    ``output`` is the value; a durable store receives it pre-encoded as JSON in
    ``output_json`` (encoding happens where the step ran, so an output that
    cannot be stored fails that step). ``status`` is ``succeeded``,
    ``degraded`` or ``failed``; a failure carries ``error_type`` and
    ``error_message`` (never the data).
    """

    step: str
    item: int | None
    status: str
    output: Any = None
    output_json: bytes | None = None
    error_type: str | None = None
    error_message: str | None = None
    attempts: int = 0
    duration: float | None = None
    instance: str | None = None
    reason: str | None = None


def fingerprint(value: Any) -> str:
    """A stable sha256 of a JSON-compatible ``value`` (keys sorted)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def plugin_versions(records: Mapping[str, Any]) -> dict[str, str | None]:
    """The loaded plugins of a plugin set and their versions (``ok`` ones only)."""
    return {
        name: record.version
        for name, record in sorted(records.items())
        if getattr(record, "status", "ok") == "ok"
    }


_ERROR_TYPES: dict[str, type[Exception]] = {}


def error_of(type_name: str, message: str) -> Exception:
    """An exception whose qualified name and message are the stored ones, so a
    replayed failure reports exactly what the original one did."""
    cls = _ERROR_TYPES.get(type_name)
    if cls is None:
        cls = type(type_name.rsplit(".", 1)[-1], (Exception,), {"__qualname__": type_name})
        _ERROR_TYPES[type_name] = cls
    return cls(message)
