"""plugins.required: a required plugin that is missing, blocked, broken or too
old is a clear error (exit status 3), even for listings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import orchestrion
from orchestrion.cli import cli
from orchestrion.exceptions import ConfigError, PluginRequirementError

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


@pytest.fixture
def needed(orchestrion_distribution: Install) -> None:
    """Install plugin 'needed' from distribution orchestrion-needed 1.4."""
    orchestrion_distribution(
        "orchestrion-needed",
        version="1.4",
        entry_points={"needed": "req_needed"},
        files={"req_needed.py": ""},
    )


def orchestrator(*required: str, **plugins: object) -> orchestrion.Orchestrator:
    """An orchestrator requiring ``required``, autoloading installed plugins."""
    return orchestrion.Orchestrator(
        config={"plugins": {"required": list(required), **plugins}}, env={}
    )


@pytest.mark.usefixtures("needed")
@pytest.mark.parametrize("requirement", ["needed", "orchestrion-needed>=1.2", "Orchestrion_Needed"])
def test_satisfied_requirement(requirement: str) -> None:
    """A requirement met by name or distribution name, with a version range, passes."""
    assert orchestrator(requirement).plugins.records["needed"].status == "ok"


def test_missing_required_plugin() -> None:
    """A required plugin that is not installed says how to install it."""
    with pytest.raises(PluginRequirementError) as info:
        orchestrator("orchestrion-absent>=2")
    assert str(info.value) == (
        "required plugin 'orchestrion-absent' is not installed; "
        "install it with pip install 'orchestrion-absent>=2'"
    )


@pytest.mark.usefixtures("needed")
def test_too_old_required_plugin() -> None:
    """A required plugin older than the specifier says how to upgrade."""
    with pytest.raises(PluginRequirementError) as info:
        orchestrator("orchestrion-needed>=2.0")
    assert str(info.value) == (
        "required plugin 'needed' (orchestrion-needed 1.4) does not satisfy "
        "'orchestrion-needed>=2.0'; upgrade it with pip install -U 'orchestrion-needed>=2.0'"
    )
    assert info.value.exit_code == 3


@pytest.mark.usefixtures("needed")
def test_blocked_required_plugin() -> None:
    """A required plugin that the selection blocks is an error naming why."""
    with pytest.raises(PluginRequirementError, match=r"required plugin .needed. .* is blocked"):
        orchestrator("needed", disable=["needed"])


def test_invalid_requirement_is_a_config_error() -> None:
    """A requirement that is not PEP 508 is a configuration error naming the key."""
    with pytest.raises(ConfigError, match=r"plugins.required: .*'not a requirement!'"):
        orchestrator("not a requirement!")


@pytest.mark.usefixtures("needed")
def test_cli_listing_prints_then_fails_on_requirement(tmp_path: Path) -> None:
    """plugins list shows the plugins, then exits 3 with the requirement error."""
    (tmp_path / "orchestrion.toml").write_text(
        '[plugins]\nrequired = ["orchestrion-needed>=9"]\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["plugins", "list"])
    assert result.exit_code == 3
    assert "needed" in result.stdout
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("error: required plugin 'needed' (orchestrion-needed 1.4) does not satisfy")
    )
