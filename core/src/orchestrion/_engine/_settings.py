"""The ``[engine]`` configuration table: concurrency limits and pool sizes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .._config import Config
from .._resilience._policy import Policy
from ..exceptions import ConfigError
from ._loader import validation_message

__all__ = ["DEFAULT_CONCURRENCY", "EngineSettings", "engine_settings"]

DEFAULT_CONCURRENCY = 64


class EngineSettings(BaseModel):
    """How runs are executed; the ``[engine]`` table of the configuration."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    concurrency: int = Field(
        default=DEFAULT_CONCURRENCY,
        ge=1,
        description="Most step calls (or fan-out items) in flight at once in one run.",
    )
    limits: dict[str, int] = Field(
        default_factory=dict,
        description="Most calls in flight at once per component type, across all runs "
        "of the orchestrator, e.g. {'llm.agent' = 4}.",
    )
    pool_size: int = Field(
        default=8,
        ge=1,
        description="Most instances of one component type with equal options; sync "
        "components use an instance exclusively, async ones share when all are busy.",
    )
    executor: str = Field(default="local", description="The executor steps use by default.")
    executors: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Options per executor, validated by its options model, e.g. "
        "[engine.executors.dask] address = 'tcp://scheduler:8786'.",
    )
    policy: Policy | None = Field(
        default=None, description="The widest resilience policy; workflows and steps override it."
    )


def engine_settings(config: Config) -> EngineSettings:
    """Validate the ``[engine]`` table of ``config`` (defaults when absent)."""
    section = config.section("engine")
    try:
        settings = EngineSettings.model_validate(dict(section))
    except ValidationError as exc:
        message, key = validation_message(exc, prefix="engine")
        raise ConfigError(message, source=config.source, key=key) from None
    for name, limit in settings.limits.items():
        if limit < 1:
            msg = f"a limit must be at least 1, got {limit}"
            raise ConfigError(msg, source=config.source, key=f"engine.limits.{name}")
    return settings
