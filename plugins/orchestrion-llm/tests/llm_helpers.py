"""Helpers shared by the llm plugin's tests (a uniquely named module, so the
whole suite can import it next to other packages' test helpers)."""

from __future__ import annotations

from typing import Any

from orchestrion import Orchestrator
from orchestrion.testing import make_orchestrator
from orchestrion_llm import LlmPlugin
from orchestrion_llm.testing import FakeChatServer


def orchestrator_for(
    server: FakeChatServer,
    *,
    agents: dict[str, Any] | None = None,
    plugins: tuple[object, ...] = (),
    **endpoint: Any,
) -> Orchestrator:
    """An orchestrator whose ``default`` endpoint is ``server``."""
    settings = {"endpoints": {"default": server.endpoint_settings(**endpoint)}}
    if agents:
        settings["agents"] = agents
    return make_orchestrator(LlmPlugin(settings), *plugins)


def one_step(component: str = "llm.agent", **options: Any) -> dict[str, Any]:
    """A workflow of one step named ``ask``."""
    return {"name": "ask", "steps": {"ask": {"component": component, "options": options}}}
