"""Commands added by plugins through ``register_commands``: they run, and a
plugin whose commands fail or clash is reported without breaking the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from orchestrion.cli import DoctorReport, PluginInfo, cli

Install = Callable[..., Path]

COMMAND = """
import click
from orchestrion import hookimpl

@click.command("{command}")
@click.argument("who", default="world")
def greet(who):
    \"\"\"Say hello from {plugin}.\"\"\"
    click.echo("{plugin} says hello to " + who)

@hookimpl
def register_commands(cli):
    cli.add_command(greet)
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


def add_plugin(install: Install, plugin: str, source: str) -> None:
    """Install plugin ``plugin`` (distribution dist-PLUGIN) with ``source``."""
    install(
        f"dist-{plugin}", entry_points={plugin: f"cmd_{plugin}"}, files={f"cmd_{plugin}.py": source}
    )


def test_plugin_command_runs(orchestrion_distribution: Install) -> None:
    """A command a plugin registers is available and runs."""
    add_plugin(
        orchestrion_distribution, "greeter", COMMAND.format(command="greet", plugin="greeter")
    )
    result = CliRunner().invoke(cli, ["--plugins", "greeter", "greet", "Ada"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "greeter says hello to Ada\n"
    help_text = CliRunner().invoke(cli, ["--plugins", "greeter", "--help"]).stdout
    assert "greet" in help_text
    info = PluginInfo.model_validate_json(
        CliRunner()
        .invoke(cli, ["--plugins", "greeter", "plugins", "info", "greeter", "--json"])
        .stdout
    )
    assert info.commands == ["greet"]


def test_blocked_plugin_adds_no_command(orchestrion_distribution: Install) -> None:
    """A blocked plugin's command does not exist (usage error, status 2)."""
    add_plugin(
        orchestrion_distribution, "greeter", COMMAND.format(command="greet", plugin="greeter")
    )
    result = CliRunner().invoke(cli, ["--plugins", "greeter", "-p", "no:greeter", "greet"])
    assert result.exit_code == 2


def test_failing_register_commands_is_isolated(orchestrion_distribution: Install) -> None:
    """A plugin raising in register_commands is reported; other plugins' commands work."""
    add_plugin(
        orchestrion_distribution, "greeter", COMMAND.format(command="greet", plugin="greeter")
    )
    add_plugin(
        orchestrion_distribution,
        "faulty",
        "from orchestrion import hookimpl\n\n@hookimpl\ndef register_commands(cli):\n"
        "    raise KeyError('oops')\n",
    )
    result = CliRunner().invoke(cli, ["--plugins", "greeter,faulty", "greet"])
    assert result.exit_code == 0
    assert result.stdout == "greeter says hello to world\n"
    assert result.stderr.strip() == (
        "warning: plugin 'faulty' (dist-faulty 1.0) failed in register_commands(): "
        "KeyError: 'oops'; disable it with -p no:faulty"
    )


def test_builtin_command_name_cannot_be_taken(orchestrion_distribution: Install) -> None:
    """A plugin adding a command named like a built-in one is reported, and the
    built-in command still runs."""
    add_plugin(
        orchestrion_distribution, "sneaky", COMMAND.format(command="plugins", plugin="sneaky")
    )
    result = CliRunner().invoke(cli, ["--plugins", "sneaky", "--help"])
    assert result.exit_code == 0
    assert (
        "warning: plugin 'sneaky' (dist-sneaky 1.0) adds command 'plugins', which is a "
        "built-in command; disable it with -p no:sneaky" in result.stderr
    )
    listing = CliRunner().invoke(cli, ["--plugins", "sneaky", "plugins", "list"])
    assert listing.exit_code == 0
    assert "sneaky says hello" not in listing.stdout


def test_two_plugins_adding_one_command(orchestrion_distribution: Install) -> None:
    """Two plugins adding the same command name: the first called keeps it, the
    other is reported naming both."""
    add_plugin(orchestrion_distribution, "aaa", COMMAND.format(command="greet", plugin="aaa"))
    add_plugin(orchestrion_distribution, "bbb", COMMAND.format(command="greet", plugin="bbb"))
    result = CliRunner().invoke(cli, ["--plugins", "aaa,bbb", "greet"])
    assert result.exit_code == 0
    # pluggy calls the latest registered plugin (bbb) first.
    assert result.stdout == "bbb says hello to world\n"
    assert (
        "plugin 'aaa' (dist-aaa 1.0) adds command 'greet', already added by plugin 'bbb' "
        "(dist-bbb 1.0); disable one of them with -p no:aaa or -p no:bbb" in result.stderr
    )


def test_plugin_command_problem_is_fatal_when_strict(orchestrion_distribution: Install) -> None:
    """With --strict-plugins a command-registration problem exits 3 with one line."""
    add_plugin(
        orchestrion_distribution, "sneaky", COMMAND.format(command="plugins", plugin="sneaky")
    )
    result = CliRunner().invoke(cli, ["--strict-plugins", "--plugins", "sneaky", "other"])
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        "error: plugin 'sneaky' (dist-sneaky 1.0) adds command 'plugins', which is a "
        "built-in command; disable it with -p no:sneaky"
    ]


def test_doctor_checks_commands(orchestrion_distribution: Install) -> None:
    """plugins doctor reports a plugin whose register_commands is broken."""
    add_plugin(
        orchestrion_distribution, "sneaky", COMMAND.format(command="plugins", plugin="sneaky")
    )
    result = CliRunner().invoke(cli, ["--plugins", "sneaky", "plugins", "doctor"])
    assert result.exit_code == 3
    assert "adds command 'plugins'" in result.output


def test_doctor_finds_command_clashes_between_plugins(orchestrion_distribution: Install) -> None:
    """Two plugins fine alone but adding the same command: doctor reports it."""
    add_plugin(orchestrion_distribution, "aaa", COMMAND.format(command="greet", plugin="aaa"))
    add_plugin(orchestrion_distribution, "bbb", COMMAND.format(command="greet", plugin="bbb"))
    result = CliRunner().invoke(cli, ["--plugins", "aaa,bbb", "plugins", "doctor", "--json"])
    assert result.exit_code == 3
    report = DoctorReport.model_validate_json(result.stdout)
    assert all(c.status == "ok" for c in report.checks if c.name in {"aaa", "bbb"})
    assert len(report.problems) == 1
    assert "adds command 'greet', already added by plugin 'bbb'" in report.problems[0]
