"""The root command: version, exit codes, one-line errors, --traceback, lazy
imports, and ``python -m orchestrion`` as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import orchestrion
from orchestrion.cli import PluginListing, cli

Install = Callable[..., Path]


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


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``python -m orchestrion ARGS`` in a real process."""
    return subprocess.run(
        [sys.executable, "-m", "orchestrion", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_version() -> None:
    """--version prints the installed version and exits 0."""
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"orchestrion, version {orchestrion.__version__}"


def test_help_lists_builtin_commands() -> None:
    """--help exits 0 and lists the built-in commands."""
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "plugins" in result.stdout
    assert "components" in result.stdout


def test_unknown_command_is_a_usage_error() -> None:
    """An unknown subcommand exits with status 2."""
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    """An unknown option exits with status 2."""
    assert CliRunner().invoke(cli, ["plugins", "list", "--bogus"]).exit_code == 2


def test_bad_config_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """Invalid TOML in the config file: one error line naming the file, status 2."""
    bad = tmp_path / "orchestrion.toml"
    bad.write_text("[plugins\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["plugins", "list"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {bad}: not valid TOML")
    assert "Traceback" not in result.output


def test_invalid_config_key_names_the_key(tmp_path: Path) -> None:
    """A wrong value in [plugins] names the key path."""
    (tmp_path / "orchestrion.toml").write_text("[plugins]\nautoload = 'sometimes'\n")
    result = CliRunner().invoke(cli, ["plugins", "list"])
    assert result.exit_code == 2
    assert "plugins.autoload" in result.stderr


def test_missing_config_file_is_exit_2(tmp_path: Path) -> None:
    """--config naming a missing file is a configuration error."""
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "nope.toml"), "plugins", "list"])
    assert result.exit_code == 2
    assert "config file not found" in result.stderr


def test_traceback_flag_shows_the_traceback(tmp_path: Path) -> None:
    """--traceback adds the traceback before the error line."""
    (tmp_path / "orchestrion.toml").write_text("[plugins\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--traceback", "plugins", "list"])
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")


def test_unknown_plugin_in_info_suggests_names() -> None:
    """plugins info with an unknown name is a usage error with a suggestion."""
    result = CliRunner().invoke(cli, ["plugins", "info", "condition"])
    assert result.exit_code == 2
    assert "no plugin named 'condition'; did you mean 'conditions'?" in result.stderr


@pytest.mark.slow
def test_real_process_lists_plugins_as_json() -> None:
    """`python -m orchestrion plugins list --json` prints the documented JSON and exits 0."""
    result = run("--plugins", "none-at-all", "plugins", "list", "--json")
    assert result.returncode == 0, result.stderr
    listing = PluginListing.model_validate_json(result.stdout)
    assert {p.name for p in listing.plugins} >= {"conditions", "local"}


@pytest.mark.slow
def test_real_process_exit_codes_and_one_line_error(tmp_path: Path) -> None:
    """A real process maps a plugin error to status 3 and prints one line, no traceback."""
    pkg = tmp_path / "site"
    dist = pkg / "exitdist-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: exitdist\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[orchestrion]\nexploding = exit_boom\n")
    (pkg / "exit_boom.py").write_text("raise RuntimeError('kaput')\n")
    env = {**os.environ, "PYTHONPATH": str(pkg), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "orchestrion", "--strict-plugins", "plugins", "hooks"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        "error: plugin 'exploding' (exitdist 1.0) failed to import: RuntimeError: kaput; "
        "disable it with -p no:exploding"
    ]
    assert run("--config", str(tmp_path / "missing.toml"), "plugins", "list").returncode == 2
    assert run("--no-such-option").returncode == 2


@pytest.mark.slow
def test_plugins_list_json_does_not_import_rich() -> None:
    """The JSON listing stays cheap: it imports neither rich nor other commands' modules."""
    code = (
        "import sys\n"
        "from orchestrion._cli._app import main\n"
        "try:\n"
        "    main(['--no-autoload', 'plugins', 'list', '--json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m == 'rich' or m.startswith('orchestrion._cli.')),"
        " file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    loaded = json.loads(result.stderr.strip().splitlines()[-1].replace("'", '"'))
    assert "rich" not in loaded
    assert "orchestrion._cli._components" not in loaded
    assert "orchestrion._cli._plugins_cmds" in loaded
