"""Orchestrion plugin ``otel``: OpenTelemetry traces from lifecycle events.

Installed, it subscribes to every orchestrator's ``run.*`` and ``step.*``
events and makes one span per run, a child span per step (per fan-out item)
and a grandchild per attempt, with statuses, attempts, component types,
durations and payload sizes as attributes (never payloads). Spans go to the
global tracer provider; configure the OpenTelemetry SDK and an exporter in
your application. Settings: the ``[otel]`` table (:class:`OtelSettings`).
"""

from __future__ import annotations

from ._plugin import HANDLER_NAME as HANDLER_NAME
from ._plugin import OtelPlugin as OtelPlugin
from ._plugin import OtelSettings as OtelSettings

# Nothing here imports OpenTelemetry: the handler does at the first event
# (``_spans``), so loading the plugin stays cheap.
__all__ = ["HANDLER_NAME", "OtelPlugin", "OtelSettings"]
