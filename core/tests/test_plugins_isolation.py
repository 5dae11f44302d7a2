"""Broken plugins are isolated: each kind of problem is reported in one line
naming the plugin, its distribution and version, and how to disable it, and
the other plugins keep working."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import orchestrion
from orchestrion.cli import PluginListing, cli
from orchestrion.exceptions import (
    PluginConflictError,
    PluginError,
    PluginLoadError,
    PluginValidationError,
)

Install = Callable[..., Path]

GOOD = """
from orchestrion import ComponentType, hookimpl

class Echo:
    def process(self, data, ctx):
        return data

@hookimpl
def register_components(register):
    register(ComponentType(name="good.echo", factory=lambda options: Echo(),
                           description="Return the input."))
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
    monkeypatch.chdir(tmp_path)


def install_pair(install: Install, bad_source: str, bad_module: str = "iso_bad") -> None:
    """Install a good plugin and a bad one (entry points 'good' and 'bad')."""
    install("good-dist", entry_points={"good": "iso_good"}, files={"iso_good.py": GOOD})
    install(
        "bad-dist",
        version="2.5",
        entry_points={"bad": bad_module},
        files={f"{bad_module}.py": bad_source},
    )


def load_pair() -> orchestrion.Orchestrator:
    """An orchestrator with only the good and bad plugins selected."""
    return orchestrion.Orchestrator(env={"ORCHESTRION_PLUGINS": "good,bad"})


def only_problem(orch: orchestrion.Orchestrator) -> PluginError:
    """The orchestrator's single plugin problem, after checking the good plugin works."""
    assert "good.echo" in orch.registry.components
    assert orch.registry.components.owner("good.echo") == "good"
    problems = orch.plugin_problems
    assert len(problems) == 1, problems
    message = str(problems[0])
    assert "\n" not in message
    assert message.startswith("plugin 'bad' (bad-dist 2.5) ")
    assert message.endswith("; disable it with -p no:bad")
    return problems[0]


def test_import_failure_is_reported_and_others_load(orchestrion_distribution: Install) -> None:
    """A plugin whose import raises is marked broken with the exception in one line."""
    install_pair(orchestrion_distribution, "raise RuntimeError('no database driver')\n")
    problem = only_problem(load_pair())
    assert isinstance(problem, PluginLoadError)
    assert "failed to import: RuntimeError: no database driver" in str(problem)
    assert (problem.plugin, problem.distribution, problem.version) == ("bad", "bad-dist", "2.5")


def test_missing_module_is_an_import_failure(orchestrion_distribution: Install) -> None:
    """An entry point naming a module that does not exist is an import failure."""
    install_pair(orchestrion_distribution, "", bad_module="iso_present")
    orchestrion_distribution(
        "bad-dist", version="2.5", entry_points={"bad": "iso_not_there:plugin"}
    )
    orch = orchestrion.Orchestrator(env={"ORCHESTRION_PLUGINS": "good,bad"})
    messages = [str(p) for p in orch.plugin_problems]
    assert any("failed to import: ModuleNotFoundError" in m for m in messages)


def test_sys_exit_at_import_is_contained(orchestrion_distribution: Install) -> None:
    """A plugin calling sys.exit() while being imported does not end the host."""
    install_pair(orchestrion_distribution, "import sys\nsys.exit(4)\n")
    problem = only_problem(load_pair())
    assert "failed to import: SystemExit: 4" in str(problem)


def test_unknown_hook_suggests_the_close_name(orchestrion_distribution: Install) -> None:
    """A misspelt hook is an unknown hook, and the message suggests the real one."""
    source = """
    from orchestrion import hookimpl

    @hookimpl
    def register_component(register):
        pass
    """
    install_pair(orchestrion_distribution, source)
    problem = only_problem(load_pair())
    assert isinstance(problem, PluginValidationError)
    assert (
        "implements unknown hook 'register_component' (did you mean 'register_components'?)"
        in str(problem)
    )


def test_wrong_hook_arguments_are_named(orchestrion_distribution: Install) -> None:
    """An implementation declaring an argument the hook does not pass is rejected."""
    source = """
    from orchestrion import hookimpl

    @hookimpl
    def register_conditions(reg):
        pass
    """
    install_pair(orchestrion_distribution, source)
    problem = only_problem(load_pair())
    assert isinstance(problem, PluginValidationError)
    assert (
        "implements register_conditions() with argument(s) 'reg' the hook does not have "
        "(it passes: register, config)" in str(problem)
    )


def test_fewer_hook_arguments_are_fine(orchestrion_distribution: Install) -> None:
    """An implementation may take fewer arguments than the hook passes."""
    source = """
    from orchestrion import hookimpl

    @hookimpl
    def register_conditions():
        pass
    """
    install_pair(orchestrion_distribution, source)
    orch = load_pair()
    assert orch.plugin_problems == []
    assert orch.plugins.records["bad"].status == "ok"


def test_invalid_registration_name(orchestrion_distribution: Install) -> None:
    """Registering something with an invalid name fails inside that plugin only."""
    source = """
    from orchestrion import ComponentType, hookimpl

    @hookimpl
    def register_components(register):
        register(ComponentType(name="Not A Name", factory=dict))
    """
    install_pair(orchestrion_distribution, source)
    problem = only_problem(load_pair())
    assert isinstance(problem, PluginValidationError)
    assert "failed in component type registration in register_components(): ValueError: " in (
        str(problem)
    )
    assert "'Not A Name' is not a dotted lower-case name" in str(problem)


def test_wrong_type_passed_to_register(orchestrion_distribution: Install) -> None:
    """Passing register() something other than the hook's registration type is reported."""
    source = """
    from orchestrion import hookimpl

    @hookimpl
    def register_components(register):
        register({"name": "bad.thing"})
    """
    install_pair(orchestrion_distribution, source)
    problem = only_problem(load_pair())
    assert "TypeError: register() takes a ComponentType, got dict" in str(problem)


def test_returning_a_value_is_reported(orchestrion_distribution: Install) -> None:
    """A registration hook that returns something instead of calling register() is broken."""
    source = """
    from orchestrion import ComponentType, hookimpl

    @hookimpl
    def register_components(register):
        return [ComponentType(name="bad.thing", factory=dict)]
    """
    install_pair(orchestrion_distribution, source)
    problem = only_problem(load_pair())
    assert "returned list from register_components(); call register() instead" in str(problem)


def test_a_half_registered_plugin_leaves_nothing_behind(orchestrion_distribution: Install) -> None:
    """When a plugin fails part-way, none of what it registered stays registered."""
    source = """
    from orchestrion import ComponentType, Condition, hookimpl

    @hookimpl
    def register_components(register):
        register(ComponentType(name="bad.first", factory=dict))
        raise RuntimeError("second one failed")
    """
    install_pair(orchestrion_distribution, source)
    orch = load_pair()
    only_problem(orch)
    assert "bad.first" not in orch.registry.components
    assert orch.plugins.records["bad"].status == "broken"


def test_conflicting_names_name_both_plugins(orchestrion_distribution: Install) -> None:
    """Two plugins registering the same component type: the later one (plugins load
    in name order) is reported, naming both, and the earlier one keeps the name."""
    orchestrion_distribution(
        "good-dist", entry_points={"good": "iso_good"}, files={"iso_good.py": GOOD}
    )
    orchestrion_distribution(
        "later-dist",
        version="0.3",
        entry_points={"later": "iso_later"},
        files={"iso_later.py": GOOD},
    )
    orch = orchestrion.Orchestrator(env={"ORCHESTRION_PLUGINS": "good,later"})
    assert orch.registry.components.owner("good.echo") == "good"
    (problem,) = orch.plugin_problems
    assert isinstance(problem, PluginConflictError)
    assert (problem.plugin, problem.other) == ("later", "good")
    assert str(problem) == (
        "plugin 'later' (later-dist 0.3) registers component type 'good.echo', already "
        "registered by plugin 'good' (good-dist 1.0); disable one of them with -p no:later "
        "or -p no:good"
    )


def test_duplicate_entry_point_names(orchestrion_distribution: Install) -> None:
    """Two distributions using the same plugin name: the first wins, the second is reported."""
    orchestrion_distribution(
        "first-dist", entry_points={"twin": "iso_twin_a"}, files={"iso_twin_a.py": GOOD}
    )
    orchestrion_distribution(
        "second-dist", entry_points={"twin": "iso_twin_b"}, files={"iso_twin_b.py": ""}
    )
    orch = orchestrion.Orchestrator(env={"ORCHESTRION_PLUGINS": "twin"})
    assert orch.plugins.records["twin"].status == "ok"
    (problem,) = orch.plugin_problems
    assert isinstance(problem, PluginConflictError)
    message = str(problem)
    assert "uses the plugin name 'twin', already taken by plugin 'twin'" in message
    assert "first-dist" in message
    assert "second-dist" in message


def test_cli_lists_broken_plugin_with_its_reason(orchestrion_distribution: Install) -> None:
    """plugins list works with a broken plugin, shows it broken and prints one warning line."""
    install_pair(orchestrion_distribution, "raise ImportError('cannot import name x')\n")
    result = CliRunner().invoke(cli, ["--plugins", "good,bad", "plugins", "list"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "plugin 'bad' (bad-dist 2.5) failed to import: ImportError" in warnings[0]
    assert "broken" in result.stdout
    listing = PluginListing.model_validate_json(
        CliRunner().invoke(cli, ["--plugins", "good,bad", "plugins", "list", "--json"]).stdout
    )
    statuses = {p.name: p.status for p in listing.plugins}
    assert statuses["good"] == "ok"
    assert statuses["bad"] == "broken"
    assert len(listing.problems) == 1


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--strict-plugins"], {}),
        ([], {"ORCHESTRION_STRICT_PLUGINS": "1"}),
    ],
)
def test_strict_mode_makes_problems_fatal(
    orchestrion_distribution: Install,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
) -> None:
    """In strict mode (flag or env) a plugin problem fails the listing with status 3."""
    install_pair(orchestrion_distribution, "raise RuntimeError('boom')\n")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(cli, [*args, "--plugins", "good,bad", "plugins", "list", "--json"])
    assert result.exit_code == 3
    listing = PluginListing.model_validate_json(result.stdout)  # the listing is still printed
    assert next(p for p in listing.plugins if p.status == "broken").name == "bad"


def test_strict_setting_in_config_raises_at_load(
    orchestrion_distribution: Install, tmp_path: Path
) -> None:
    """plugins.strict in the config makes the orchestrator raise the first problem."""
    install_pair(orchestrion_distribution, "raise RuntimeError('boom')\n")
    (tmp_path / "orchestrion.toml").write_text(
        '[plugins]\nstrict = true\nenable = ["good", "bad"]\n', encoding="utf-8"
    )
    with pytest.raises(PluginLoadError, match=r"plugin 'bad' \(bad-dist 2.5\) failed to import"):
        orchestrion.Orchestrator(config=tmp_path / "orchestrion.toml")


def test_strict_cli_command_exits_3_with_one_line(orchestrion_distribution: Install) -> None:
    """A command that builds plugins in strict mode prints one error line and exits 3."""
    install_pair(orchestrion_distribution, "raise RuntimeError('boom')\n")
    result = CliRunner().invoke(cli, ["--strict-plugins", "--plugins", "good,bad", "nope"])
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        "error: plugin 'bad' (bad-dist 2.5) failed to import: RuntimeError: boom; "
        "disable it with -p no:bad"
    ]


def test_json_problems_are_plain_json(orchestrion_distribution: Install) -> None:
    """With --json, stdout is exactly one JSON document even when plugins are broken."""
    install_pair(orchestrion_distribution, "raise RuntimeError('boom')\n")
    result = CliRunner().invoke(cli, ["--plugins", "good,bad", "plugins", "list", "--json"])
    assert isinstance(json.loads(result.stdout), dict)


def test_same_plugin_object_twice() -> None:
    """Passing one plugin object twice reports the second registration only."""
    from orchestrion.testing import make_orchestrator

    shared = type("Shared", (), {})()
    orch = make_orchestrator(shared, shared, strict=False)
    (problem,) = orch.plugin_problems
    assert "already registered" in str(problem)
    assert orch.plugins.records["Shared"].status == "ok"


def test_registering_one_name_twice_in_a_plugin() -> None:
    """A plugin registering the same name twice is told so."""
    from orchestrion.testing import make_orchestrator

    class Twice:
        @orchestrion.hookimpl
        def register_conditions(
            self, register: Callable[[orchestrion.Condition[Any]], None]
        ) -> None:
            for _ in range(2):
                register(orchestrion.Condition(name="twice.c", check=lambda d, p, o: True))

    with pytest.raises(
        PluginValidationError, match=r"plugin 'Twice' registers condition 'twice\.c' twice"
    ):
        make_orchestrator(Twice())


def test_plugin_may_handle_a_conflict_itself() -> None:
    """register() raises PluginConflictError to the plugin, which may skip that
    registration and keep the rest."""
    from orchestrion.testing import make_orchestrator

    seen: list[str] = []

    class Polite:
        @orchestrion.hookimpl
        def register_conditions(
            self, register: Callable[[orchestrion.Condition[Any]], None]
        ) -> None:
            for name in ("size_over", "polite.own"):
                try:
                    register(orchestrion.Condition(name=name, check=lambda d, p, o: True))
                except PluginConflictError as exc:
                    seen.append(exc.other)

    orch = make_orchestrator(Polite())
    assert seen == ["conditions"]
    assert orch.plugin_problems == []
    assert orch.registry.conditions.owner("polite.own") == "Polite"
    assert orch.registry.conditions.owner("size_over") == "conditions"
