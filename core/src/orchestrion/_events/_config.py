"""The ``[events]`` config table: bus sizes and event-triggered runs."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .._config import Config, format_validation_error
from ..exceptions import ConfigError
from ._matching import check_pattern

__all__ = ["EventsConfig", "TriggerConfig", "events_config"]


class TriggerConfig(BaseModel):
    """One ``[[events.triggers]]`` entry: events matching ``on`` start a run of
    ``workflow``, or a routed run (``process = true``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    on: str = Field(description="Event type ('order.created'), prefix ('order.*') or '*'.")
    workflow: str | None = Field(
        default=None,
        description="Workflow file to run, relative to the config file's folder.",
    )
    process: bool = Field(
        default=False, description="Route the input instead of running a fixed workflow."
    )
    input: str | None = Field(
        default=None,
        description="Key of the event's data whose value is the run's input "
        "(default: the whole data mapping).",
    )
    name: str | None = Field(
        default=None, description="Names the trigger in statistics (default: 'trigger.N')."
    )

    @field_validator("on")
    @classmethod
    def _pattern(cls, value: str) -> str:
        return check_pattern(value)

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.workflow is None) == (not self.process):
            msg = "set exactly one of 'workflow = \"FILE\"' or 'process = true'"
            raise ValueError(msg)
        return self


class EventsConfig(BaseModel):
    """The ``[events]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    queue_size: int = Field(
        default=1000, ge=1, description="Events queued before publishers wait (backpressure)."
    )
    dispatchers: int = Field(
        default=8, ge=1, description="Events delivered at the same time (each to all handlers)."
    )
    dead_letters: int = Field(
        default=1000, ge=0, description="Dead letters kept in memory (the latest ones)."
    )
    max_triggered_runs: int = Field(
        default=4, ge=1, description="Event-triggered runs in progress at the same time."
    )
    triggers: list[TriggerConfig] = Field(
        default_factory=list, description="Event types that start runs."
    )


def events_config(config: Config) -> EventsConfig:
    """The validated ``[events]`` table of ``config`` (defaults when absent);
    a :class:`ConfigError` naming the file and key otherwise."""
    try:
        return EventsConfig.model_validate(dict(config.section("events")))
    except ValidationError as exc:
        raise ConfigError(
            format_validation_error(exc, prefix="events"), source=config.source
        ) from None
