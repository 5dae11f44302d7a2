"""Registration: llm.agent, named agents from [llm.agents], the [llm] table, the entry point."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from llm_helpers import one_step

import orchestrion_llm
from orchestrion import Config, ConfigError, Orchestrator
from orchestrion.cli import cli
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


def test_reserved_agent_name_is_rejected_naming_the_key() -> None:
    """An agent called 'agent' would shadow llm.agent: a ConfigError naming the key."""
    plugin = LlmPlugin({"agents": {"agent": {}}})
    with pytest.raises(ConfigError, match=r"llm\.agents\.agent: .*reserved"):
        make_orchestrator(plugin)


def test_invalid_settings_name_the_key_and_never_echo_values() -> None:
    """A bad [llm] table is a ConfigError naming the key path, without the value."""
    plugin = LlmPlugin({"endpoints": {"x": {"api_key": ["sk-secret-value"], "timeout": -1}}})
    with pytest.raises(ConfigError) as info:
        plugin.settings()
    message = str(info.value)
    assert info.value.key == "llm.endpoints.x.openai.api_key"
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


def test_config_mapping_given_to_the_orchestrator_registers_the_agents() -> None:
    """Orchestrator(config={"llm": ...}) configures the installed plugin: its agents register."""
    orch = Orchestrator(
        config={"plugins": {"enable": ["llm"], "strict": True}, "llm": AGENTS}, env={}
    )
    assert {"llm.summarise", "llm.extract"} <= set(orch.registry.components)
    assert orch.registry.components.owner("llm.summarise") == "llm"
    summarise = orch.registry.components.require("llm.summarise")
    assert summarise.capabilities == frozenset({"text.summary"})
    result = orch.run_sync(one_step("llm.summarise"), "some text")
    assert result.output == "ok"


def test_each_orchestrator_sees_its_own_table() -> None:
    """One installed plugin object serves two orchestrators with different [llm] tables."""
    first = make_orchestrator(installed=["llm"], config={"llm": AGENTS})
    second = make_orchestrator(
        installed=["llm"], config={"llm": {"agents": {"translate": {"system_prompt": "T."}}}}
    )
    assert "llm.summarise" in first.registry.components
    assert "llm.translate" not in first.registry.components
    assert "llm.translate" in second.registry.components
    assert "llm.summarise" not in second.registry.components


def test_config_file_given_to_the_orchestrator_is_read(tmp_path: Path) -> None:
    """An orchestrion.toml given as config configures the plugin and names itself in errors."""
    path = tmp_path / "orchestrion.toml"
    path.write_text(
        '[llm.endpoints.default]\nprovider = "scripted"\ndefault = "from toml"\n\n'
        '[llm.agents.greet]\nsystem_prompt = "Greet."\ncapabilities = ["greeting"]\n',
        encoding="utf-8",
    )
    with make_orchestrator(installed=["llm"], config=path) as orch:
        greet = orch.registry.components.get("llm.greet")
        assert greet is not None
        assert greet.capabilities == frozenset({"greeting"})
        result = orch.run_sync(one_step("llm.greet"), "hi")
    assert result.output == "from toml"


def test_the_cli_configures_the_plugin_from_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`orchestrion components` lists the agents of the orchestrion.toml the CLI loads."""
    (tmp_path / "orchestrion.toml").write_text(
        '[llm.agents.greet]\nsystem_prompt = "Greet."\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("ORCHESTRION_")]:
        monkeypatch.delenv(name)  # plugin selection from the environment would interfere
    result = CliRunner().invoke(cli, ["--plugins", "llm", "components", "--json"])
    assert result.exit_code == 0, result.output
    names = {c["name"] for c in json.loads(result.stdout)["components"]}
    assert "llm.greet" in names


def test_working_directory_file_is_not_read_behind_the_orchestrators_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the orchestrator's config counts: an orchestrion.toml in the cwd is not read."""
    (tmp_path / "orchestrion.toml").write_text(
        '[llm.agents.greet]\nsystem_prompt = "Greet."\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    orch = make_orchestrator(installed=["llm"], config={"llm": {}})
    assert "llm.greet" not in orch.registry.components


def test_bad_table_fails_when_the_orchestrator_is_built() -> None:
    """A bad [llm] table is a ConfigError (exit 2) naming the key, raised at registration."""
    config = {"llm": {"agents": {"summarise": {"temperature": "hot"}}}}
    with pytest.raises(ConfigError, match=r"llm\.agents\.summarise\.temperature: "):
        make_orchestrator(installed=["llm"], config=config)


def test_bad_table_is_a_config_error_naming_the_file_and_key() -> None:
    """settings(config) names the config file and the dotted key of a bad value."""
    config = Config.model_validate(
        {"llm": {"endpoints": {"x": {"provider": "scripted", "bogus": 1}}}, "source": "o.toml"}
    )
    with pytest.raises(ConfigError) as info:
        LlmPlugin().settings(config)
    assert info.value.source == "o.toml"
    assert info.value.key == "llm.endpoints.x.scripted.bogus"
    assert str(info.value).startswith("o.toml: llm.endpoints.x.scripted.bogus: ")


def test_settings_given_to_the_constructor_win_over_the_table() -> None:
    """LlmPlugin(settings) ignores the [llm] table, for Python-built orchestrators."""
    orch = make_orchestrator(
        LlmPlugin(AGENTS), config={"llm": {"agents": {"translate": {"system_prompt": "T."}}}}
    )
    assert "llm.summarise" in orch.registry.components
    assert "llm.translate" not in orch.registry.components


def test_installed_entry_point_loads_the_plugin() -> None:
    """The installed distribution registers llm.agent through its entry point."""
    orch = make_orchestrator(installed=["llm"])
    assert "llm.agent" in orch.registry.components
    assert orch.registry.components.owner("llm.agent") == "llm"


def test_configured_instance_replaces_the_disabled_installed_one() -> None:
    """As documented: disable the installed plugin and pass LlmPlugin(settings)."""
    orch = Orchestrator(
        plugins=[LlmPlugin(AGENTS)], config={"plugins": {"disable": ["llm"]}}, env={}
    )
    assert "llm.summarise" in orch.registry.components
    assert orch.plugins.records["llm"].status == "blocked"
