"""Configuration files: discovery, validation and errors naming file and key."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field

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


class _Table(BaseModel):
    """A plugin's strict table model, for the plugin_settings tests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: int = Field(default=1, ge=0)
    name: str = "x"


def test_plugin_settings_validates_the_table_with_overrides_winning() -> None:
    """plugin_settings validates [section] with the model; overrides win key by key."""
    config = Config.model_validate({"demo": {"size": 3, "name": "a"}})
    assert config.plugin_settings("demo", _Table) == _Table(size=3, name="a")
    assert config.plugin_settings("demo", _Table, {"size": 9}) == _Table(size=9, name="a")
    assert Config().plugin_settings("demo", _Table) == _Table()


def test_plugin_settings_are_validated_once_per_config() -> None:
    """The same Config, section, model and overrides give the very same settings object."""
    config = Config.model_validate({"demo": {"size": 3}})
    first = config.plugin_settings("demo", _Table, {"name": "b"})
    assert config.plugin_settings("demo", _Table, {"name": "b"}) is first
    assert config.plugin_settings("demo", _Table) is not first
    empty = Config()
    assert empty.plugin_settings("demo", _Table) is empty.plugin_settings("demo", _Table)
    # The cache is not part of the Config's value.
    assert config == Config.model_validate({"demo": {"size": 3}})


def test_plugin_settings_follow_a_copied_config() -> None:
    """A model_copy with a new table is validated afresh, not served the original's entry."""
    config = Config.model_validate({"demo": {"size": 3}})
    assert config.plugin_settings("demo", _Table).size == 3
    copied = config.model_copy(update={"demo": {"size": 5}})
    assert copied.plugin_settings("demo", _Table).size == 5


def test_plugin_settings_with_unhashable_overrides_still_validate() -> None:
    """Overrides that cannot be hashed skip the cache but are still applied."""

    class Listy(BaseModel):
        items: list[int] = Field(default_factory=list)

    config = Config()
    first = config.plugin_settings("demo", Listy, {"items": [1, 2]})
    assert first.items == [1, 2]
    assert config.plugin_settings("demo", Listy, {"items": [1, 2]}) is not first


def test_plugin_settings_error_names_the_first_bad_key_and_the_others() -> None:
    """A bad table is a ConfigError keyed by the first bad key, naming the rest inline."""
    config = Config.model_validate(
        {"demo": {"size": -1, "colour": "red"}, "source": "orchestrion.toml"}
    )
    with pytest.raises(ConfigError) as info:
        config.plugin_settings("demo", _Table)
    assert info.value.key == "demo.size"
    assert info.value.source == "orchestrion.toml"
    message = str(info.value)
    assert message.startswith("orchestrion.toml: demo.size: ")
    assert "demo.colour: " in message
    assert "[demo]" in message


def test_plugin_settings_error_does_not_echo_values() -> None:
    """The error message never repeats the offending values (they may be secrets)."""
    config = Config.model_validate({"demo": {"size": "hunter2-secret", "token": "s3cr3t"}})
    with pytest.raises(ConfigError) as info:
        config.plugin_settings("demo", _Table)
    assert "hunter2" not in str(info.value)
    assert "s3cr3t" not in str(info.value)


def test_plugin_settings_errors_are_not_cached() -> None:
    """Every call on a bad table reports the error again."""
    config = Config.model_validate({"demo": {"size": -1}})
    for _ in range(2):
        with pytest.raises(ConfigError):
            config.plugin_settings("demo", _Table)


def test_a_pickled_config_starts_with_an_empty_settings_cache() -> None:
    """A Config sent to a worker pickles without its cache and validates afresh there."""
    config = Config.model_validate({"demo": {"size": 4}})
    first = config.plugin_settings("demo", _Table)
    config.plugin_settings("absent", _Table)
    copied = pickle.loads(pickle.dumps(config))
    assert copied == config
    again = copied.plugin_settings("demo", _Table)
    assert again == first
    assert again is not first
