"""Shared fixtures for the llm plugin's tests.

``fake_llm_server`` comes from the plugin's own pytest plugin (the
``pytest11`` entry point), exactly as users get it.
"""

from __future__ import annotations

from typing import Any

import pytest

from orchestrion import Orchestrator
from orchestrion.testing import make_orchestrator
from orchestrion_llm import LlmPlugin
from orchestrion_llm.testing import FakeChatServer

#: The fake key every test endpoint uses; tests search outputs for it.
FAKE_KEY = "fake-key-for-tests"


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``@pytest.mark.anyio`` test on both asyncio and trio."""
    return str(request.param)


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
