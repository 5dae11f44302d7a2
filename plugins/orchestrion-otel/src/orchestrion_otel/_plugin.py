"""The ``otel`` plugin: registers the event handler that makes spans.

::

    [otel]
    enabled = true          # false: register nothing
    max_open_runs = 1000    # runs traced at once before the oldest is abandoned
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orchestrion import Config, ConfigError, EventHandler, hookimpl

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider

    from orchestrion.events import Event

    from ._spans import SpanTracker

__all__ = ["HANDLER_NAME", "LazyTracker", "OtelPlugin", "OtelSettings", "parse_settings", "plugin"]

#: The plugin's table in ``orchestrion.toml``.
SECTION = "otel"
#: The name of the registered event handler (``orchestrion events stats`` shows it).
HANDLER_NAME = "otel.spans"
_TYPES = ("run.*", "step.*")
_VERSION = "0.1.0"


class OtelSettings(BaseModel):
    """The ``[otel]`` configuration table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(default=True, description="Turn lifecycle events into spans.")
    max_open_runs: int = Field(
        default=1000,
        ge=1,
        description="Runs traced at once; beyond it the oldest unfinished run's spans are "
        "ended as 'abandoned' (its process may have died before run.finished).",
    )


def parse_settings(config: Config) -> OtelSettings:
    """The validated ``[otel]`` table of ``config``.

    :raises ConfigError: naming the file and the first bad key (``otel.enabled``).
    """
    try:
        return OtelSettings.model_validate(dict(config.section(SECTION)))
    except ValidationError as exc:
        error = exc.errors(include_url=False, include_input=False)[0]
        key = ".".join([SECTION, *map(str, error["loc"])])
        msg = f"{error['msg']}; fix the [{SECTION}] table or drop the key for the default"
        raise ConfigError(msg, source=config.source, key=key) from None


class LazyTracker:
    """The registered handler: builds its :class:`SpanTracker` at the first
    event, so loading the plugin (``orchestrion plugins list``) does not pay
    for importing OpenTelemetry."""

    def __init__(self, provider: TracerProvider | None, max_open_runs: int) -> None:
        self.provider = provider
        self.max_open_runs = max_open_runs
        self.tracker: SpanTracker | None = None

    @property
    def open_runs(self) -> int:
        """Runs started and not finished."""
        return 0 if self.tracker is None else self.tracker.open_runs

    async def handle(self, event: Event) -> None:
        """Hand ``event`` to the tracker (made now if needed)."""
        tracker = self.tracker
        if tracker is None:
            from opentelemetry import trace

            from ._spans import SpanTracker

            tracer = trace.get_tracer("orchestrion", _VERSION, tracer_provider=self.provider)
            tracker = self.tracker = SpanTracker(tracer, max_open_runs=self.max_open_runs)
        await tracker.handle(event)


class OtelPlugin:
    """Registers :data:`HANDLER_NAME`, which turns ``run.*`` and ``step.*``
    events into spans: one per run, a child per step (per fan-out item), and a
    grandchild per attempt.

    ``tracer_provider`` defaults to the global one, which the application sets
    with the OpenTelemetry SDK (``trace.set_tracer_provider(...)``) *before*
    creating the orchestrator: while none is set, nothing is registered, so
    an installed but unconfigured plugin costs runs nothing. Each orchestrator
    gets its own tracker.
    """

    orchestrion_plugin_name = "otel"

    def __init__(self, *, tracer_provider: TracerProvider | None = None) -> None:
        self.tracer_provider = tracer_provider
        self.trackers: list[LazyTracker] = []

    @hookimpl
    def register_event_handlers(
        self, register: Callable[[EventHandler], None], config: Config
    ) -> None:
        """Subscribe a fresh :class:`SpanTracker` to the run and step events."""
        settings = parse_settings(config)
        if not settings.enabled:
            return
        if self.tracer_provider is None and not _global_provider_set():
            # Spans would go nowhere; not subscribing spares every run the cost
            # of building lifecycle events that no one else may want.
            return
        tracker = LazyTracker(self.tracer_provider, settings.max_open_runs)
        self.trackers.append(tracker)
        register(EventHandler(name=HANDLER_NAME, types=_TYPES, handler=tracker.handle))

    def __repr__(self) -> str:
        return f"<OtelPlugin provider={self.tracer_provider!r}>"


def _global_provider_set() -> bool:
    # Checked without importing OpenTelemetry: an application that set a
    # provider has imported it; otherwise the global one is the no-op proxy.
    module = sys.modules.get("opentelemetry.trace")
    if module is None:
        return False
    return not isinstance(module.get_tracer_provider(), module.ProxyTracerProvider)


def _entry_point() -> Any:
    # The installed plugin uses the global tracer provider.
    return OtelPlugin()


#: The object the ``orchestrion`` entry point loads.
plugin = _entry_point()
