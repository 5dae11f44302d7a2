"""The [chunking] configuration table: the requirement threshold, validated strictly."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from orchestrion import Config, ConfigError, Orchestrator
from orchestrion.testing import make_orchestrator
from orchestrion_chunking import DEFAULT_THRESHOLD, ChunkingPlugin, ChunkingSettings

PROSE = "This is a sentence of ordinary prose for the router to look at. " * 100  # 6,400 chars


def test_config_threshold_changes_the_route_of_the_installed_plugin() -> None:
    """[chunking] threshold moves where the installed plugin starts asking for chunking.split."""
    default = make_orchestrator(installed=["chunking"])
    raised = make_orchestrator(installed=["chunking"], config={"chunking": {"threshold": 10_000}})
    assert default.plan(PROSE).types == ("chunking.split",)
    assert raised.plan(PROSE).types == ()
    assert raised.plan(PROSE * 2).types == ("chunking.split",)


def test_config_threshold_applies_to_a_plain_orchestrator() -> None:
    """An Orchestrator built with config={"chunking": ...} routes by the configured threshold."""
    orch = Orchestrator(
        config={
            "plugins": {"enable": ["chunking"], "strict": True},
            "chunking": {"threshold": 100},
        },
        env={},
    )
    assert orch.plan(PROSE[:200]).types == ("chunking.split",)
    assert orch.plan(PROSE[:100]).types == ()


def test_config_file_threshold_applies(tmp_path: Path) -> None:
    """The table is read from an orchestrion.toml given to the orchestrator."""
    path = tmp_path / "orchestrion.toml"
    path.write_text("[chunking]\nthreshold = 50\n", encoding="utf-8")
    orch = make_orchestrator(installed=["chunking"], config=path)
    assert orch.plan(PROSE[:60]).types == ("chunking.split",)


def test_constructor_threshold_wins_over_config() -> None:
    """A threshold given to ChunkingPlugin() is used whatever the [chunking] table says."""
    orch = make_orchestrator(
        ChunkingPlugin(threshold=10_000), config={"chunking": {"threshold": 10}}
    )
    assert orch.plan(PROSE).types == ()
    assert orch.plan(PROSE * 2).types == ("chunking.split",)
    with pytest.raises(ValueError, match="threshold"):
        ChunkingPlugin(threshold=-1)


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"threshold": -1}, "chunking.threshold"),
        ({"threshold": "big"}, "chunking.threshold"),
        ({"treshold": 100}, "chunking.treshold"),
    ],
    ids=["negative", "not-a-number", "unknown-key"],
)
def test_bad_table_is_a_config_error_naming_the_key(table: dict[str, object], key: str) -> None:
    """A bad value or unknown key is a ConfigError naming the file and the key path."""
    config = Config.model_validate({"chunking": table, "source": "orchestrion.toml"})
    with pytest.raises(ConfigError) as info:
        ChunkingPlugin().settings(config)
    assert info.value.key == key
    assert info.value.source == "orchestrion.toml"
    assert str(info.value).startswith(f"orchestrion.toml: {key}: ")


def test_bad_table_fails_when_the_orchestrator_is_built() -> None:
    """A bad table is a ConfigError (exit 2) when the plugin registers, not when data arrives."""
    with pytest.raises(ConfigError) as info:
        make_orchestrator(installed=["chunking"], config={"chunking": {"threshold": -5}})
    assert info.value.key == "chunking.threshold"


def test_table_that_is_not_a_table_is_a_config_error() -> None:
    """chunking = 5 instead of a table is a ConfigError naming [chunking]."""
    with pytest.raises(ConfigError, match="chunking"):
        ChunkingPlugin().settings(Config.model_validate({"chunking": 5}))


def test_settings_are_parsed_once_per_config_and_forgotten_with_it() -> None:
    """One Config parses once however many items are routed, without keeping it alive."""
    plugin = ChunkingPlugin()
    config = Config.model_validate({"chunking": {"threshold": 7}})
    first = plugin.settings(config)
    assert plugin.settings(config) is first
    assert first == ChunkingSettings(threshold=7)
    assert plugin.settings(Config()) == ChunkingSettings(threshold=DEFAULT_THRESHOLD)
    alive = weakref.ref(config)
    del config, first
    gc.collect()
    assert alive() is None, "the cache must not keep a Config alive"
    # Temporaries free their id at once, so ids are reused: each still gets its own table.
    for n in range(1, 60):
        assert plugin.settings(Config.model_validate({"chunking": {"threshold": n}})).threshold == n
