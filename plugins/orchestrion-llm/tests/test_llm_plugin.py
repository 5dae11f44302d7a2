"""Registration: llm.agent, named agents from [llm.agents], config loading, the entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
from llm_helpers import one_step

import orchestrion_llm
from orchestrion import ConfigError, Orchestrator
from orchestrion.exceptions import PluginValidationError
from orchestrion.testing import make_orchestrator
from orchestrion_llm import AgentOptions, LlmPlugin

AGENTS = {
    "endpoints": {"default": {"provider": "scripted", "default": "ok"}},
    "agents": {
        "summarise": {
            "system_prompt": "Summarise.",
            "max_tokens": 200,
            "capabilities": ["text.summary"],
            "description": "One-sentence summaries.",
        },
        "extract": {"output_model": "llm_models:Invoice", "capabilities": ["invoice.extract"]},
    },
}


def test_public_api_matches_all() -> None:
    """__all__ lists exactly the public names, sorted, and each exists."""
    assert orchestrion_llm.__all__ == sorted(orchestrion_llm.__all__)
    exported = {
        name
        for name, value in vars(orchestrion_llm).items()
        if not name.startswith("_")
        and getattr(value, "__module__", "").startswith("orchestrion_llm.")
    }
    assert exported == set(orchestrion_llm.__all__)


def test_named_agents_become_component_types_with_capabilities() -> None:
    """Each [llm.agents.<name>] registers llm.<name> with its capabilities and description."""
    orch = make_orchestrator(LlmPlugin(AGENTS))
    components = orch.registry.components
    assert {"llm.agent", "llm.classify", "llm.summarise", "llm.extract"} <= set(components)
    summarise = components.get("llm.summarise")
    assert summarise is not None
    assert summarise.capabilities == frozenset({"text.summary"})
    assert summarise.description == "One-sentence summaries."
    assert (components.owner("llm.summarise") or "").startswith("llm")


def test_named_agent_options_default_to_its_config_and_can_be_overridden() -> None:
    """llm.<name>'s options model carries the configured values as defaults."""
    orch = make_orchestrator(LlmPlugin(AGENTS))
    summarise = orch.registry.components.get("llm.summarise")
    assert summarise is not None
    options = summarise.options()
    assert isinstance(options, AgentOptions)
    assert (options.agent_name, options.system_prompt, options.max_tokens) == (
        "summarise",
        "Summarise.",
        200,
    )
    assert summarise.options(max_tokens=10).max_tokens == 10


@pytest.mark.anyio
async def test_a_named_agent_runs_with_its_configuration() -> None:
    """A step naming llm.extract validates against the agent's output model."""
    settings = {
        **AGENTS,
        "endpoints": {
            "default": {"provider": "scripted", "answers": [{"json": {"number": "7", "total": 1}}]}
        },
    }
    async with make_orchestrator(LlmPlugin(settings)) as orch:
        result = await orch.run(one_step("llm.extract"), "invoice text")
    assert result.output == {"number": "7", "total": 1.0, "currency": "EUR"}


def test_reserved_agent_name_is_rejected_naming_the_plugin() -> None:
    """An agent called 'agent' would shadow llm.agent: the plugin fails to register."""
    plugin = LlmPlugin({"agents": {"agent": {}}})
    with pytest.raises(PluginValidationError, match="reserved"):
        make_orchestrator(plugin)


def test_invalid_settings_name_the_key_and_never_echo_values() -> None:
    """A bad [llm] table is a ConfigError naming the key path, without the value."""
    plugin = LlmPlugin({"endpoints": {"x": {"api_key": ["sk-secret-value"], "timeout": -1}}})
    with pytest.raises(ConfigError) as info:
        plugin.settings()
    message = str(info.value)
    assert "llm.endpoints.x.openai.api_key" in message
    assert "llm.endpoints.x.openai.timeout" in message
    assert "sk-secret-value" not in message


def test_unknown_endpoint_fails_the_step_naming_the_known_ones() -> None:
    """An agent naming an endpoint that is not configured fails with the choices."""
    with make_orchestrator(LlmPlugin(AGENTS)) as orch:
        result = orch.run_sync(one_step(endpoint="nope"), "x")
    step = result.steps["ask"]
    assert step.error is not None
    assert "no endpoint 'nope' in [llm.endpoints] (configured: default)" in step.error.message


def test_settings_are_read_from_orchestrion_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without settings the plugin reads [llm] from the project's orchestrion.toml."""
    (tmp_path / "orchestrion.toml").write_text(
        '[llm.endpoints.default]\nprovider = "scripted"\ndefault = "from toml"\n\n'
        '[llm.agents.greet]\nsystem_prompt = "Greet."\ncapabilities = ["greeting"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    with make_orchestrator(LlmPlugin()) as orch:
        greet = orch.registry.components.get("llm.greet")
        assert greet is not None
        assert greet.capabilities == frozenset({"greeting"})
        result = orch.run_sync(one_step("llm.greet"), "hi")
    assert result.output == "from toml"


def test_installed_entry_point_loads_the_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The installed distribution registers llm.agent through its entry point."""
    monkeypatch.chdir(tmp_path)  # no orchestrion.toml here: defaults
    orch = make_orchestrator(installed=["llm"])
    assert "llm.agent" in orch.registry.components
    assert orch.registry.components.owner("llm.agent") == "llm"


def test_configured_instance_replaces_the_disabled_installed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As documented: disable the installed plugin and pass LlmPlugin(settings)."""
    monkeypatch.chdir(tmp_path)
    orch = Orchestrator(
        plugins=[LlmPlugin(AGENTS)], config={"plugins": {"disable": ["llm"]}}, env={}
    )
    assert "llm.summarise" in orch.registry.components
    assert orch.plugins.records["llm"].status == "blocked"
