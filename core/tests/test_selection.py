"""Plugin selection: CLI over environment over config over autoload; blocked
plugins are never imported; names match entry points and distributions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import orchestrion
from orchestrion import PluginsConfig, resolve_selection
from orchestrion.cli import PluginListing, cli
from orchestrion.exceptions import ConfigError

Install = Callable[..., Path]

PLUGIN = """
import pathlib
pathlib.Path({marker!r}).write_text("imported")

from orchestrion import Condition, hookimpl

@hookimpl
def register_conditions(register):
    register(Condition(name="{name}.always", check=lambda data, profile, params: True))
"""


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ORCHESTRION_* variable or config file of the developer's leaks in."""
    for name in (
        "ORCHESTRION_PLUGINS",
        "ORCHESTRION_DISABLE_PLUGINS",
        "ORCHESTRION_DISABLE_AUTOLOAD",
        "ORCHESTRION_STRICT_PLUGINS",
    ):
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
def trio_of_plugins(orchestrion_distribution: Install, tmp_path: Path) -> Path:
    """Install plugins 'alpha', 'beta' (distribution orchestrion-beta) and 'gamma',
    each writing a marker file when imported; returns the markers' folder."""
    markers = tmp_path / "markers"
    markers.mkdir()
    for name, dist in (("alpha", "alpha"), ("beta", "orchestrion-beta"), ("gamma", "gamma")):
        module = f"sel_{name}"
        orchestrion_distribution(
            dist,
            entry_points={name: module},
            files={f"{module}.py": PLUGIN.format(marker=str(markers / name), name=name)},
        )
    return markers


def statuses(args: list[str]) -> dict[str, str]:
    """Status of the three test plugins as `plugins list --all --json` reports them."""
    result = CliRunner().invoke(cli, [*args, "plugins", "list", "--all", "--json"])
    assert result.exit_code == 0, result.output
    listing = PluginListing.model_validate_json(result.stdout)
    return {p.name: p.status for p in listing.plugins if p.name in {"alpha", "beta", "gamma"}}


def imported(markers: Path) -> set[str]:
    """Which of the test plugins were imported."""
    return {p.name for p in markers.iterdir()}


# -- resolve_selection, source by source ---------------------------------------


def test_defaults_autoload_everything() -> None:
    """With no source saying anything, every installed plugin is allowed."""
    selection = resolve_selection()
    assert selection.allows("anything", "any-dist")
    assert not selection.strict


def test_cli_only_list_replaces_env_and_config() -> None:
    """--plugins overrides ORCHESTRION_PLUGINS and plugins.enable."""
    selection = resolve_selection(
        config=PluginsConfig(enable=["c"]),
        env={"ORCHESTRION_PLUGINS": "e"},
        cli_enable=["x,y"],
    )
    assert selection.allows("x")
    assert selection.allows("y")
    assert not selection.allows("e")
    assert not selection.allows("c")


def test_env_enable_replaces_config_enable() -> None:
    """ORCHESTRION_PLUGINS overrides plugins.enable."""
    selection = resolve_selection(
        config=PluginsConfig(enable=["c"]), env={"ORCHESTRION_PLUGINS": "e"}
    )
    assert selection.allows("e")
    assert not selection.allows("c")


def test_disables_from_every_source_add_up() -> None:
    """-p no:, ORCHESTRION_DISABLE_PLUGINS and plugins.disable all block."""
    selection = resolve_selection(
        config=PluginsConfig(disable=["c"]),
        env={"ORCHESTRION_DISABLE_PLUGINS": "e1, e2"},
        cli_disable=["x"],
    )
    for name in ("c", "e1", "e2", "x"):
        assert not selection.allows(name)
    assert selection.allows("other")


def test_higher_enable_overrides_lower_disable() -> None:
    """A plugin the environment enables is loaded even if the config disables it."""
    selection = resolve_selection(
        config=PluginsConfig(disable=["e"]), env={"ORCHESTRION_PLUGINS": "e"}
    )
    assert selection.allows("e")


def test_cli_disable_beats_env_enable() -> None:
    """-p no:NAME blocks a plugin the environment enables."""
    selection = resolve_selection(env={"ORCHESTRION_PLUGINS": "e,f"}, cli_disable=["e"])
    assert not selection.allows("e")
    assert selection.allows("f")


def test_cli_add_loads_a_plugin_with_autoload_off() -> None:
    """-p NAME with --no-autoload loads exactly NAME."""
    selection = resolve_selection(cli_no_autoload=True, cli_add=["x"])
    assert selection.allows("x")
    assert not selection.allows("y")


def test_cli_add_overrides_a_lower_disable() -> None:
    """-p NAME loads a plugin that the config or environment disables."""
    selection = resolve_selection(
        config=PluginsConfig(disable=["x"]), env={"ORCHESTRION_DISABLE_PLUGINS": "x"}, cli_add=["x"]
    )
    assert selection.allows("x")


@pytest.mark.parametrize(
    ("config_autoload", "env", "cli_flag", "expected"),
    [
        (True, None, False, True),
        (False, None, False, False),
        (False, "0", False, True),
        (True, "1", False, False),
        (True, "0", True, False),
    ],
)
def test_autoload_precedence(
    config_autoload: bool, env: str | None, cli_flag: bool, expected: bool
) -> None:
    """--no-autoload beats ORCHESTRION_DISABLE_AUTOLOAD, which beats plugins.autoload."""
    selection = resolve_selection(
        config=PluginsConfig(autoload=config_autoload),
        env={} if env is None else {"ORCHESTRION_DISABLE_AUTOLOAD": env},
        cli_no_autoload=cli_flag,
    )
    assert selection.allows("some-plugin") is expected


def test_strict_precedence() -> None:
    """ORCHESTRION_STRICT_PLUGINS overrides plugins.strict; --strict-plugins forces it on."""
    on = PluginsConfig(strict=True)
    assert resolve_selection(config=on).strict
    assert not resolve_selection(config=on, env={"ORCHESTRION_STRICT_PLUGINS": "0"}).strict
    assert resolve_selection(env={"ORCHESTRION_STRICT_PLUGINS": "yes"}).strict
    assert resolve_selection(env={"ORCHESTRION_STRICT_PLUGINS": "0"}, cli_strict=True).strict


def test_bad_boolean_in_env_is_a_config_error() -> None:
    """A non-boolean ORCHESTRION_DISABLE_AUTOLOAD is a ConfigError naming the variable."""
    with pytest.raises(ConfigError, match="ORCHESTRION_DISABLE_AUTOLOAD='maybe' is not a boolean"):
        resolve_selection(env={"ORCHESTRION_DISABLE_AUTOLOAD": "maybe"})


def test_names_are_normalised() -> None:
    """Names match regardless of case and of '-', '_' or '.' separators."""
    selection = resolve_selection(cli_disable=["Orchestrion_Beta"])
    assert not selection.allows("beta", "orchestrion-beta")
    assert not selection.allows("orchestrion.beta")


# -- the same, end to end through installed entry points -----------------------


def test_autoload_loads_all_installed(trio_of_plugins: Path) -> None:
    """Without any selection, every installed plugin is loaded."""
    assert statuses([]) == {"alpha": "ok", "beta": "ok", "gamma": "ok"}
    assert imported(trio_of_plugins) == {"alpha", "beta", "gamma"}


def test_cli_only_list(trio_of_plugins: Path) -> None:
    """--plugins a,b loads only those; the others are blocked and never imported."""
    assert statuses(["--plugins", "alpha,gamma"]) == {
        "alpha": "ok",
        "beta": "blocked",
        "gamma": "ok",
    }
    assert imported(trio_of_plugins) == {"alpha", "gamma"}


def test_cli_block_is_never_imported(trio_of_plugins: Path) -> None:
    """-p no:NAME blocks a plugin, which is not even imported."""
    assert statuses(["-p", "no:beta"])["beta"] == "blocked"
    assert "beta" not in imported(trio_of_plugins)


def test_blocked_by_distribution_name(trio_of_plugins: Path) -> None:
    """A plugin can be blocked by its distribution's name as well as its own."""
    assert statuses(["-p", "no:orchestrion_beta"])["beta"] == "blocked"
    assert "beta" not in imported(trio_of_plugins)


def test_selected_by_distribution_name(trio_of_plugins: Path) -> None:
    """--plugins accepts distribution names."""
    assert statuses(["--plugins", "orchestrion-beta"]) == {
        "alpha": "blocked",
        "beta": "ok",
        "gamma": "blocked",
    }


def test_no_autoload_with_explicit_plugin(trio_of_plugins: Path) -> None:
    """--no-autoload -p NAME loads only NAME."""
    assert statuses(["--no-autoload", "-p", "gamma"]) == {
        "alpha": "blocked",
        "beta": "blocked",
        "gamma": "ok",
    }
    assert imported(trio_of_plugins) == {"gamma"}


def test_env_variables_select(trio_of_plugins: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ORCHESTRION_PLUGINS and ORCHESTRION_DISABLE_PLUGINS select and block."""
    monkeypatch.setenv("ORCHESTRION_PLUGINS", "alpha,beta")
    monkeypatch.setenv("ORCHESTRION_DISABLE_PLUGINS", "beta")
    assert statuses([]) == {"alpha": "ok", "beta": "blocked", "gamma": "blocked"}
    assert imported(trio_of_plugins) == {"alpha"}


def test_env_disable_autoload(trio_of_plugins: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ORCHESTRION_DISABLE_AUTOLOAD=1 loads no installed plugin."""
    monkeypatch.setenv("ORCHESTRION_DISABLE_AUTOLOAD", "1")
    assert set(statuses([]).values()) == {"blocked"}
    assert imported(trio_of_plugins) == set()


def test_cli_overrides_env(trio_of_plugins: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--plugins wins over ORCHESTRION_PLUGINS."""
    monkeypatch.setenv("ORCHESTRION_PLUGINS", "alpha")
    assert statuses(["--plugins", "gamma"]) == {
        "alpha": "blocked",
        "beta": "blocked",
        "gamma": "ok",
    }


def test_orchestrion_toml_is_found_and_applies(trio_of_plugins: Path) -> None:
    """plugins.enable / plugins.disable in orchestrion.toml (found from the cwd) apply."""
    Path("orchestrion.toml").write_text(
        '[plugins]\nenable = ["alpha", "beta"]\ndisable = ["alpha"]\n', encoding="utf-8"
    )
    assert statuses([]) == {"alpha": "blocked", "beta": "ok", "gamma": "blocked"}


def test_pyproject_tool_table_applies(
    trio_of_plugins: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[tool.orchestrion.plugins] in pyproject.toml is read, also from a parent folder."""
    Path("pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.orchestrion.plugins]\ndisable = ["gamma"]\n',
        encoding="utf-8",
    )
    Path("sub").mkdir()
    monkeypatch.chdir("sub")
    assert statuses([]) == {"alpha": "ok", "beta": "ok", "gamma": "blocked"}


def test_pyproject_without_tool_table_is_skipped(trio_of_plugins: Path) -> None:
    """A pyproject.toml without [tool.orchestrion] is not taken as configuration."""
    Path("pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert statuses([]) == {"alpha": "ok", "beta": "ok", "gamma": "ok"}


def test_env_overrides_config(trio_of_plugins: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ORCHESTRION_PLUGINS wins over plugins.enable in the config file."""
    Path("orchestrion.toml").write_text('[plugins]\nenable = ["alpha"]\n', encoding="utf-8")
    monkeypatch.setenv("ORCHESTRION_PLUGINS", "beta")
    assert statuses([]) == {"alpha": "blocked", "beta": "ok", "gamma": "blocked"}


def test_explicit_config_option(trio_of_plugins: Path, tmp_path: Path) -> None:
    """--config FILE is used instead of the file found from the cwd."""
    Path("orchestrion.toml").write_text('[plugins]\ndisable = ["alpha"]\n', encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text('[plugins]\ndisable = ["gamma"]\n', encoding="utf-8")
    assert statuses(["--config", str(other)]) == {"alpha": "ok", "beta": "ok", "gamma": "blocked"}


def test_builtin_plugins_can_be_blocked() -> None:
    """-p no:conditions removes the built-in conditions like any plugin."""
    result = CliRunner().invoke(cli, ["-p", "no:conditions", "plugins", "list", "--all", "--json"])
    listing = PluginListing.model_validate_json(result.stdout)
    conditions = next(p for p in listing.plugins if p.name == "conditions")
    assert conditions.builtin
    assert conditions.status == "blocked"
    orch = orchestrion.Orchestrator(env={"ORCHESTRION_DISABLE_PLUGINS": "conditions"})
    assert "size_over" not in orch.registry.conditions
    assert "size_over" in orchestrion.Orchestrator(env={}).registry.conditions
