"""``orchestrion plugins list|info|hooks|doctor`` and ``components``: output,
the documented JSON schemas, and behaviour with broken plugins."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from orchestrion.cli import (
    ComponentListing,
    DoctorReport,
    HookListing,
    PluginInfo,
    PluginListing,
    cli,
)

Install = Callable[..., Path]

GREETER = """
from pydantic import BaseModel, ConfigDict, Field
from orchestrion import ComponentType, Condition, hookimpl

class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")
    greeting: str = Field(default="Hello", description="Word to greet with.")

class Greeter:
    def __init__(self, options):
        self.options = options
    def process(self, data, ctx):
        return f"{{self.options.greeting}}, {{data}}"

@hookimpl{mark}
def register_components(register):
    register(ComponentType(name="{name}.greet", factory=Greeter, options=Options,
                           description="Greet.", capabilities={{"greeting"}},
                           after=("json.parse",)))

@hookimpl
def register_conditions(register):
    register(Condition(name="{name}.always", check=lambda d, p, o: True))
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


@pytest.fixture
def plugins(orchestrion_distribution: Install) -> None:
    """Install 'early' (tryfirst), 'plain', a broken 'wreck', and 'idle' (to block)."""
    for name, mark in (("early", "(tryfirst=True)"), ("plain", ""), ("idle", "")):
        orchestrion_distribution(
            f"dist-{name}",
            version="3.1",
            entry_points={name: f"cli_{name}"},
            files={f"cli_{name}.py": GREETER.format(name=name, mark=mark)},
        )
    orchestrion_distribution(
        "dist-wreck",
        entry_points={"wreck": "cli_wreck"},
        files={"cli_wreck.py": "raise ImportError('missing native library')\n"},
    )


def invoke(*args: str) -> Result:
    """Run the CLI with only the test plugins (and the built-ins) selected."""
    return CliRunner().invoke(cli, ["--plugins", "early,plain,wreck,idle", "-p", "no:idle", *args])


def as_json(result: Result) -> Any:
    """stdout parsed as JSON (it must be nothing else)."""
    return json.loads(result.stdout)


@pytest.mark.usefixtures("plugins")
def test_list_json_matches_the_documented_schema() -> None:
    """plugins list --json validates against PluginListing's JSON schema."""
    result = invoke("plugins", "list", "--all", "--json")
    assert result.exit_code == 0
    data = as_json(result)
    jsonschema.validate(data, PluginListing.model_json_schema())
    by_name = {p["name"]: p for p in data["plugins"]}
    assert by_name["plain"] == {
        "name": "plain",
        "distribution": "dist-plain",
        "version": "3.1",
        "status": "ok",
        "reason": None,
        "builtin": False,
        "entry_point": "cli_plain",
        "hooks": ["register_components", "register_conditions"],
        "registers": {"components": ["plain.greet"], "conditions": ["plain.always"]},
        "commands": None,
    }
    assert by_name["idle"]["status"] == "blocked"
    assert by_name["idle"]["reason"] == "disabled"
    assert by_name["wreck"]["status"] == "broken"
    assert by_name["conditions"]["builtin"] is True
    assert data["problems"] == [by_name["wreck"]["reason"]]


@pytest.mark.usefixtures("plugins")
def test_list_hides_blocked_unless_all() -> None:
    """Blocked plugins appear only with --all, in the table and in the JSON."""
    names = {
        p.name
        for p in PluginListing.model_validate_json(
            invoke("plugins", "list", "--json").stdout
        ).plugins
    }
    assert "idle" not in names
    assert {"early", "plain", "wreck"} <= names
    table = invoke("plugins", "list")
    assert "idle" not in table.stdout
    assert "blocked plugin(s) not shown; use --all" in table.stdout
    assert "idle" in invoke("plugins", "list", "--all").stdout


@pytest.mark.usefixtures("plugins")
def test_list_table_shows_status_and_registrations() -> None:
    """The human listing shows each plugin's status and what it registers."""
    result = CliRunner().invoke(
        cli, ["--plugins", "plain,wreck", "plugins", "list"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0
    assert "components: plain.greet; conditions: plain.always" in result.stdout
    assert "missing native library" in result.stdout
    assert result.stderr.count("warning: plugin 'wreck'") == 1


@pytest.mark.usefixtures("plugins")
def test_info_json() -> None:
    """plugins info NAME --json prints one PluginInfo, found by distribution name too."""
    result = invoke("plugins", "info", "dist-early", "--json")
    assert result.exit_code == 0
    info = PluginInfo.model_validate_json(result.stdout)
    assert info.name == "early"
    assert info.registers["components"] == ["early.greet"]
    assert info.commands == []


@pytest.mark.usefixtures("plugins")
def test_info_of_broken_and_blocked_plugins() -> None:
    """plugins info shows why a plugin is broken or blocked."""
    broken = PluginInfo.model_validate_json(invoke("plugins", "info", "wreck", "--json").stdout)
    assert broken.status == "broken"
    assert broken.reason is not None
    assert "missing native library" in broken.reason
    human = invoke("plugins", "info", "idle")
    assert human.exit_code == 0
    assert "blocked" in human.stdout
    assert "disabled" in human.stdout


@pytest.mark.usefixtures("plugins")
def test_hooks_in_call_order() -> None:
    """plugins hooks lists implementations in the order pluggy calls them."""
    result = invoke("plugins", "hooks", "--json")
    assert result.exit_code == 0
    data = as_json(result)
    jsonschema.validate(data, HookListing.model_json_schema())
    order = {h["name"]: h["implementations"] for h in data["hooks"]}
    # Plugins load in name order and pluggy calls the latest registered first,
    # built-ins (registered before any other) last; tryfirst jumps the queue.
    assert order["register_conditions"][:2] == ["plain", "early"]
    assert order["register_components"][:2] == ["early", "plain"]
    assert "conditions" in order["register_conditions"][2:]
    assert "local" in order["register_executors"]
    assert sorted(order) == list(order)
    assert "register_conditions" in invoke("plugins", "hooks").stdout


@pytest.mark.usefixtures("plugins")
def test_components_json_has_schemas() -> None:
    """components --json gives each type's options schema and its plugin."""
    result = invoke("components", "--json")
    assert result.exit_code == 0
    data = as_json(result)
    jsonschema.validate(data, ComponentListing.model_json_schema())
    greet = next(c for c in data["components"] if c["name"] == "plain.greet")
    assert greet["plugin"] == "plain"
    assert greet["capabilities"] == ["greeting"]
    assert greet["after"] == ["json.parse"]
    assert greet["options_schema"]["properties"]["greeting"]["description"] == (
        "Word to greet with."
    )
    human = invoke("components")
    assert "plain.greet" in human.stdout
    assert "greeting: string = 'Hello'" in human.stdout


@pytest.mark.usefixtures("plugins")
def test_doctor_reports_each_plugin_and_exits_3() -> None:
    """plugins doctor checks each plugin alone and exits 3 when one is broken."""
    result = invoke("plugins", "doctor", "--json")
    assert result.exit_code == 3
    data = as_json(result)
    jsonschema.validate(data, DoctorReport.model_json_schema())
    report = DoctorReport.model_validate(data)
    checks = {c.name: c for c in report.checks}
    assert checks["plain"].status == "ok"
    assert checks["early"].status == "ok"
    assert checks["idle"].status == "blocked"
    assert checks["wreck"].status == "broken"
    assert len(checks["wreck"].problems) == 1
    assert not report.ok
    human = invoke("plugins", "doctor")
    assert human.exit_code == 3
    assert "1 problem(s)" in human.stdout


def test_doctor_finds_conflicts_only_visible_together(orchestrion_distribution: Install) -> None:
    """Two plugins fine alone but clashing together: doctor reports the conflict."""
    for name in ("one", "two"):
        orchestrion_distribution(
            f"dist-{name}",
            entry_points={name: f"doc_{name}"},
            files={f"doc_{name}.py": GREETER.format(name="same", mark="")},
        )
    result = CliRunner().invoke(cli, ["--plugins", "one,two", "plugins", "doctor", "--json"])
    assert result.exit_code == 3
    report = DoctorReport.model_validate_json(result.stdout)
    assert {c.name: c.status for c in report.checks if c.name in {"one", "two"}} == {
        "one": "ok",
        "two": "ok",
    }
    assert len(report.problems) == 1
    assert "already registered by plugin 'one'" in report.problems[0]


def test_doctor_is_clean_without_problems() -> None:
    """plugins doctor exits 0 when every selected plugin is fine."""
    result = CliRunner().invoke(cli, ["--no-autoload", "plugins", "doctor"])
    assert result.exit_code == 0, result.output
    assert "no problems found" in result.stdout
