"""The handler plugin shown in docs/events.md works as documented."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest

from orchestrion import Event, Orchestrator, events

DOC = Path(__file__).resolve().parents[3] / "docs" / "events.md"


def plugin_from_docs() -> types.ModuleType:
    text = DOC.read_text(encoding="utf-8")
    [code] = [
        block
        for block in re.findall(r"```python\n(.*?)```", text, flags=re.S)
        if "register_event_handlers" in block
    ]
    module = types.ModuleType("my_alerts")
    exec(compile(code, str(DOC), "exec"), module.__dict__)
    return module


@pytest.mark.anyio
async def test_documented_plugin_counts_failures() -> None:
    """The documented plugin's handler receives step.failed and breaker events."""
    plugin = plugin_from_docs()
    orch = Orchestrator(plugins=[plugin], config={"plugins": {"autoload": False}})
    async with orch:
        failed = events.step_failed(
            "r1", step="s", component="json.parse", attempt=1, duration=0.1, error="ValueError"
        )
        await orch.events.publish(failed)
        await orch.events.publish(Event(type="step.succeeded", data={"component": "x"}))
        await orch.events.drain()
    assert plugin.failures == {"json.parse": 1}
    assert orch.events.stats().handlers["alerts.step_failures"].delivered == 1
