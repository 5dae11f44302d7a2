"""Testing kit of orchestrion-llm (public API): test agent workflows offline.

:class:`FakeChatServer` is a real OpenAI-compatible HTTP server on 127.0.0.1,
scripted per test with :class:`FakeReply` values; the pytest fixture
``fake_llm_server`` (active once ``orchestrion-llm`` is installed) gives a
started one::

    from orchestrion.testing import make_orchestrator
    from orchestrion_llm import LlmPlugin
    from orchestrion_llm.testing import FakeReply

    async def test_my_agent(fake_llm_server):
        fake_llm_server.add(FakeReply.text("Bonjour"))
        settings = {"endpoints": {"default": fake_llm_server.endpoint_settings()}}
        async with make_orchestrator(LlmPlugin(settings)) as orch:
            result = await orch.run({"steps": {"ask": {"component": "llm.agent"}}}, "Hi")
        assert result.output == "Bonjour"
"""

from __future__ import annotations

from ._server import FakeChatServer as FakeChatServer
from ._server import FakeReply as FakeReply
from ._server import FakeRequest as FakeRequest

__all__ = ["FakeChatServer", "FakeReply", "FakeRequest"]
