"""The otel plugin as a plugin: registration, settings and bounded state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from orchestrion_otel import HANDLER_NAME, OtelPlugin

from orchestrion import ConfigError, Orchestrator, PluginSelection
from orchestrion.events import run_started

pytestmark = pytest.mark.anyio


def make(plugin: OtelPlugin, **config: object) -> Orchestrator:
    """An orchestrator with only ``plugin`` and the ``[otel]`` table ``config``."""
    return Orchestrator(
        plugins=[plugin],
        selection=PluginSelection(autoload=False),
        config={"otel": config} if config else None,
        env={},
    )


def test_the_handler_subscribes_to_run_and_step_events() -> None:
    """The plugin registers one handler for run.* and step.*, one tracker per orchestrator."""
    plugin = OtelPlugin(tracer_provider=TracerProvider())
    first, second = make(plugin), make(plugin)
    handler = first.registry.event_handlers.items[HANDLER_NAME]
    assert handler.types == ("run.*", "step.*")
    assert second.registry.event_handlers.items[HANDLER_NAME] is not handler
    assert len(plugin.trackers) == 2


def test_disabled_registers_nothing() -> None:
    """[otel] enabled = false registers no handler."""
    orch = make(OtelPlugin(tracer_provider=TracerProvider()), enabled=False)
    assert HANDLER_NAME not in orch.registry.event_handlers


def test_a_bad_table_is_a_config_error() -> None:
    """An unknown key in [otel] is a ConfigError naming the key."""
    with pytest.raises(ConfigError, match=r"otel\.colour"):
        make(OtelPlugin(tracer_provider=TracerProvider()), colour="blue")


async def test_unfinished_runs_beyond_the_bound_are_abandoned() -> None:
    """With max_open_runs = 2, a third run ends the oldest-seen run's span as abandoned.

    Runs have different correlation ids, so the bus may deliver their starts in
    any order: which run is oldest-seen is not asserted."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    plugin = OtelPlugin(tracer_provider=provider)
    orch = make(plugin, max_open_runs=2)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    async with orch:
        for i in range(3):
            event = run_started(f"r{i}", workflow=f"wf{i}", steps=0)
            await orch.events.publish(event.model_copy(update={"time": t0 + timedelta(seconds=i)}))
    (abandoned,) = exporter.get_finished_spans()
    assert abandoned.name in {"orchestrion.run wf0", "orchestrion.run wf1", "orchestrion.run wf2"}
    assert abandoned.attributes is not None
    assert abandoned.attributes["orchestrion.status"] == "abandoned"
    assert plugin.trackers[0].open_runs == 2


def test_the_entry_point_object_uses_the_global_provider() -> None:
    """The installed plugin object has no provider of its own (the global one is used)."""
    from orchestrion_otel._plugin import plugin

    assert isinstance(plugin, OtelPlugin)
    assert plugin.tracer_provider is None


@pytest.mark.slow
def test_loading_the_plugin_does_not_import_opentelemetry() -> None:
    """Loading the plugin (as `orchestrion plugins list` does) leaves OpenTelemetry unimported."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from orchestrion import Orchestrator, PluginSelection\n"
        "from orchestrion_otel._plugin import plugin\n"
        "Orchestrator(plugins=[plugin], selection=PluginSelection(autoload=False), env={})\n"
        "assert 'opentelemetry' not in sys.modules, 'imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_without_a_configured_provider_nothing_is_registered() -> None:
    """The installed plugin subscribes nothing while no global tracer provider is set."""
    from orchestrion_otel._plugin import plugin

    orch = Orchestrator(plugins=[plugin], selection=PluginSelection(autoload=False), env={})
    assert HANDLER_NAME not in orch.registry.event_handlers


@pytest.mark.slow
def test_a_global_provider_set_before_the_orchestrator_receives_spans() -> None:
    """With the SDK's provider set globally first, the installed plugin traces real runs."""
    import subprocess
    import sys

    code = """
import anyio
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from orchestrion import Orchestrator, PluginSelection
from orchestrion_otel._plugin import plugin

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)

async def main():
    selection = PluginSelection(autoload=False)
    async with Orchestrator(plugins=[plugin], selection=selection, env={}) as orch:
        flow = {"name": "w", "steps": {"a": {"component": "core.lines"}}}
        await orch.run(flow, "one\\ntwo\\n")

anyio.run(main)
print(sorted(s.name for s in exporter.get_finished_spans()))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "'orchestrion.run w'" in done.stdout
    assert "'orchestrion.step a'" in done.stdout
