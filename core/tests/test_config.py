"""Configuration files: discovery, validation and errors naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrion import Config, ConfigError, PluginsConfig, load_config


@pytest.fixture(autouse=True)
def _in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test starts in an empty folder."""
    monkeypatch.chdir(tmp_path)


def test_no_file_means_defaults() -> None:
    """Without a config file the defaults apply and no error is raised."""
    config = load_config()
    assert config == Config()
    assert config.plugins == PluginsConfig()
    assert config.source is None


def test_orchestrion_toml_found_in_a_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """orchestrion.toml is found from a subfolder and records its path."""
    (tmp_path / "orchestrion.toml").write_text('[plugins]\ndisable = ["x"]\n')
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    config = load_config()
    assert config.plugins.disable == ["x"]
    assert config.source == str(tmp_path / "orchestrion.toml")


def test_orchestrion_toml_wins_over_pyproject(tmp_path: Path) -> None:
    """In one folder, orchestrion.toml is preferred to pyproject.toml."""
    (tmp_path / "orchestrion.toml").write_text('[plugins]\ndisable = ["from-toml"]\n')
    (tmp_path / "pyproject.toml").write_text('[tool.orchestrion.plugins]\ndisable = ["from-py"]\n')
    assert load_config().plugins.disable == ["from-toml"]


def test_pyproject_without_table_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pyproject.toml without [tool.orchestrion] does not stop the search upwards."""
    (tmp_path / "pyproject.toml").write_text("[tool.orchestrion]\nplugins = {autoload = false}\n")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "inner"\n')
    monkeypatch.chdir(inner)
    assert load_config().plugins.autoload is False


def test_search_can_be_turned_off(tmp_path: Path) -> None:
    """search=False ignores files in the working folder."""
    (tmp_path / "orchestrion.toml").write_text('[plugins]\ndisable = ["x"]\n')
    assert load_config(search=False) == Config()


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    """A file that is not TOML is a ConfigError naming the file."""
    path = tmp_path / "orchestrion.toml"
    path.write_text("plugins = [\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.source == str(path)
    assert str(info.value).startswith(f"{path}: not valid TOML")
    assert info.value.exit_code == 2


def test_unknown_plugins_key_names_the_key(tmp_path: Path) -> None:
    """A misspelt key in [plugins] is rejected with its key path."""
    path = tmp_path / "orchestrion.toml"
    path.write_text('[plugins]\nenabel = ["x"]\n')
    with pytest.raises(ConfigError, match=r"plugins\.enabel: Extra inputs are not permitted"):
        load_config(path)


def test_wrong_type_names_the_key(tmp_path: Path) -> None:
    """A value of the wrong type is rejected with its key path."""
    path = tmp_path / "orchestrion.toml"
    path.write_text("[plugins]\ndisable = 3\n")
    with pytest.raises(ConfigError, match=r"plugins\.disable: "):
        load_config(path)


def test_missing_explicit_file(tmp_path: Path) -> None:
    """An explicit path that does not exist is an error (a search that finds nothing is not)."""
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "absent.toml")


def test_plugin_sections_are_kept_for_plugins(tmp_path: Path) -> None:
    """Top-level tables the core does not own are kept as-is for their plugin."""
    path = tmp_path / "orchestrion.toml"
    path.write_text('odd = 3\n\n[llm]\nmodel = "small"\n')
    config = load_config(path)
    assert config.section("llm") == {"model": "small"}
    assert config.section("absent") == {}
    with pytest.raises(ConfigError, match=r"odd: \[odd\] must be a table, got int"):
        config.section("odd")
