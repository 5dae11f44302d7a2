"""API keys never leak: not in results, events, logs, reprs or exceptions."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from orchestrion import Event
from orchestrion.testing import make_orchestrator
from orchestrion_llm import LlmPlugin, LlmSettings
from orchestrion_llm.testing import FakeChatServer, FakeReply

SECRET = "sk-test-0123456789abcdefSECRET"
ENV_SECRET = "sk-env-9876543210fedcbaSECRET"


def workflow() -> dict[str, Any]:
    """Three independent agent steps: a plain answer, a streamed one, a failing one."""
    return {
        "name": "leak-check",
        "steps": {
            "plain": {"component": "llm.agent"},
            "streamed": {"component": "llm.agent", "options": {"stream": True}},
            "refused": {"component": "llm.agent", "options": {"endpoint": "env"}},
        },
    }


def answer(request: Any) -> FakeReply:
    """Answers by endpoint: the 'env' one is refused with the key echoed back."""
    if request.body["model"] == "env-model":
        return FakeReply.error(401, f"Incorrect API key provided: {ENV_SECRET}")
    return FakeReply.text("fine")


@pytest.mark.anyio
async def test_keys_appear_nowhere(caplog: pytest.LogCaptureFixture) -> None:
    """A run with a key in settings and one from the environment, including an
    auth failure that echoes the key, leaves no trace of either."""
    caplog.set_level(logging.DEBUG)
    events: list[Event] = []

    async def collect(event: Event) -> None:
        events.append(event)

    with FakeChatServer(handler=answer) as server:
        settings = {
            "endpoints": {
                "default": server.endpoint_settings(api_key=SECRET),
                "env": {
                    **server.endpoint_settings(api_key=None, model="env-model"),
                    "api_key_env": "MY_KEY",
                },
            }
        }
        plugin = LlmPlugin(settings, env={"MY_KEY": ENV_SECRET})
        orch = make_orchestrator(plugin)
        orch.events.subscribe("*", collect)
        async with orch:
            result = await orch.run(workflow(), "hello")
            components = [orch.registry.components.get(n) for n in orch.registry.components]
        traces = [
            result.model_dump_json(),
            repr(result),
            repr(plugin),
            repr(plugin.settings()),
            str(plugin.settings().model_dump()),
            repr(components),
            caplog.text,
            *(repr(e) for e in events),
        ]
    assert {e.type for e in events} >= {"run.started", "step.failed", "run.finished"}
    assert result.steps["plain"].output == "fine"
    assert result.steps["streamed"].output == "fine"
    refused = result.steps["refused"]
    assert refused.status == "failed"
    assert refused.error is not None
    assert "MY_KEY" in refused.error.message
    for trace in traces:
        assert SECRET not in trace
        assert ENV_SECRET not in trace
        assert "0123456789abcdef" not in trace
        assert "9876543210fedcba" not in trace


def test_settings_keep_the_key_secret_but_usable() -> None:
    """The settings model hides the key in reprs and dumps yet the adapter can read it."""
    settings = LlmSettings.model_validate({"endpoints": {"x": {"api_key": SECRET}}})
    endpoint = settings.endpoint("x")
    assert SECRET not in repr(settings)
    assert SECRET not in settings.model_dump_json()
    assert endpoint.api_key is not None  # type: ignore[union-attr]
    assert endpoint.api_key.get_secret_value() == SECRET  # type: ignore[union-attr]


@pytest.mark.anyio
async def test_keys_never_reach_the_sqlite_state_store(tmp_path: Any) -> None:
    """Runs recorded durably (results, errors, the resolved workflow and plugin set)
    leave no trace of a key in the database or its side files, even after an auth
    failure whose response echoes the key."""
    state = tmp_path / "state.sqlite"
    with FakeChatServer(handler=answer) as server:
        settings = {
            "endpoints": {
                "default": server.endpoint_settings(api_key=SECRET),
                "env": {
                    **server.endpoint_settings(api_key=None, model="env-model"),
                    "api_key_env": "MY_KEY",
                },
            }
        }
        plugin = LlmPlugin(settings, env={"MY_KEY": ENV_SECRET})
        async with make_orchestrator(plugin, state=state) as orch:
            result = await orch.run(workflow(), "hello")
    assert result.steps["plain"].output == "fine"
    assert result.steps["refused"].status == "failed"
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert state in files  # the run really went to the SQLite file
    # The outputs are stored as plain JSON text, so a key would be findable too.
    assert any(b'"fine"' in p.read_bytes() for p in files)
    for path in files:
        content = path.read_bytes()
        for secret in (SECRET, ENV_SECRET, "0123456789abcdef", "9876543210fedcba"):
            assert secret.encode() not in content, path.name
