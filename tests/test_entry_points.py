"""Plugins found through really installed entry points, driven through the
real ``orchestrion`` console script in a throwaway virtual environment.

One venv per module holds the core, the example plugin ``orchestrion-hello``
and two test plugins built here: ``orchestrion-broken`` (its import raises) and
``orchestrion-sidefx`` (its import writes a marker file, so a test can prove
that a blocked plugin is never imported).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import BaseModel

from orchestrion.cli import ComponentListing, DoctorReport, HookListing, PluginListing

if TYPE_CHECKING:
    from conftest import Venv, VenvFactory

pytestmark = pytest.mark.slow

BROKEN_SOURCE = """\
    raise RuntimeError("boom: this test plugin always fails to import")
"""

# Writes the file named by ORCHESTRION_TEST_MARKER when imported; registers a
# condition so that, when it does load, it is a well-behaved plugin.
SIDEFX_SOURCE = """\
    import os
    from pathlib import Path

    import orchestrion

    _marker = os.environ.get("ORCHESTRION_TEST_MARKER")
    if _marker:
        Path(_marker).write_text("imported", encoding="utf-8")


    @orchestrion.hookimpl
    def register_conditions(register):
        register(orchestrion.Condition(name="sidefx.always", check=lambda d, p, o: True))
"""


@pytest.fixture(scope="module")
def venv(venv_factory: VenvFactory) -> Venv:
    """A venv with core, hello, a broken plugin and a side-effect plugin installed by pip."""
    env = venv_factory.create("entry-points")
    broken = venv_factory.plugin_package(
        distribution="orchestrion-broken",
        version="0.0.1",
        entry_point="broken",
        module="orchestrion_broken",
        source=BROKEN_SOURCE,
    )
    sidefx = venv_factory.plugin_package(
        distribution="orchestrion-sidefx",
        version="0.0.2",
        entry_point="sidefx",
        module="orchestrion_sidefx",
        source=SIDEFX_SOURCE,
    )
    # The build backend once, then every local package without build isolation:
    # real wheels, real metadata and entry points, in seconds instead of minutes.
    env.pip_install("hatchling")
    env.pip_install(
        "--no-build-isolation",
        venv_factory.repo / "core",
        venv_factory.repo / "examples" / "orchestrion-hello",
        broken,
        sidefx,
    )
    return env


def orchestrion(
    venv: Venv, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the venv's ``orchestrion`` console script."""
    return venv.run("orchestrion", *args, env=env)


def listing(
    venv: Venv, *args: str, env: dict[str, str] | None = None
) -> tuple[dict[str, dict[str, Any]], subprocess.CompletedProcess[str]]:
    """``orchestrion [ARGS] plugins list --all --json``, parsed: plugins by name
    (``--all`` so that blocked plugins are listed too)."""
    proc = orchestrion(venv, *args, "plugins", "list", "--all", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    return {p["name"]: p for p in data["plugins"]}, proc


def problem_lines(text: str, plugin: str) -> list[str]:
    """Lines of ``text`` that name the ``-p no:PLUGIN`` remedy."""
    return [line for line in text.splitlines() if f"-p no:{plugin}" in line]


def test_console_script_is_installed(venv: Venv) -> None:
    """pip installed the orchestrion console script, and it reports the core's version."""
    proc = orchestrion(venv, "--version")
    assert proc.returncode == 0, proc.stderr
    assert "0.1.0" in proc.stdout


def test_hello_is_listed_through_its_entry_point(venv: Venv) -> None:
    """plugins list --json shows hello as loaded from the orchestrion-hello distribution."""
    plugins, _ = listing(venv)
    hello = plugins["hello"]
    assert hello["status"] == "ok"
    assert hello["distribution"] == "orchestrion-hello"
    assert hello["version"] == "0.1.0"
    assert hello["builtin"] is False
    assert hello["entry_point"] == "orchestrion_hello"
    assert hello["registers"] == {
        "components": ["hello.greet"],
        "conditions": ["hello.is_greeting"],
    }


@pytest.mark.parametrize(
    ("command", "model"),
    [
        (("plugins", "list", "--all", "--json"), PluginListing),
        (("plugins", "hooks", "--json"), HookListing),
        (("components", "--json"), ComponentListing),
    ],
    ids=["plugins-list", "plugins-hooks", "components"],
)
def test_json_output_matches_documented_schema(
    venv: Venv, command: tuple[str, ...], model: type[BaseModel]
) -> None:
    """The --json listings of the installed CLI validate against the documented models."""
    proc = orchestrion(venv, *command)
    assert proc.returncode == 0, proc.stderr
    model.model_validate_json(proc.stdout)


def test_doctor_json_matches_documented_schema(venv: Venv) -> None:
    """plugins doctor --json validates against DoctorReport and says what failed."""
    proc = orchestrion(venv, "plugins", "doctor", "--json")
    assert proc.returncode == 3, proc.stderr
    report = DoctorReport.model_validate_json(proc.stdout)
    assert report.ok is False
    assert {c.name: c.status for c in report.checks}["broken"] == "broken"


def test_hello_components_are_usable(venv: Venv) -> None:
    """components --json shows hello.greet with its options schema and providing plugin."""
    proc = orchestrion(venv, "components", "--json")
    assert proc.returncode == 0, proc.stderr
    components = {c["name"]: c for c in json.loads(proc.stdout)["components"]}
    greet = components["hello.greet"]
    assert greet["plugin"] == "hello"
    assert set(greet["options_schema"]["properties"]) == {"greeting", "punctuation", "shout"}


@pytest.fixture
def hello_workflow(tmp_path: Path) -> tuple[Path, Path]:
    """A one-step workflow file using hello.greet, and an input file."""
    workflow = tmp_path / "hello.toml"
    workflow.write_text(
        'name = "hello"\n\n'
        '[steps.greet]\ncomponent = "hello.greet"\noptions = { greeting = "Hi" }\n',
        encoding="utf-8",
    )
    data = tmp_path / "input.json"
    data.write_text('"Ada"', encoding="utf-8")
    return workflow, data


def test_hello_runs_in_a_workflow(venv: Venv, hello_workflow: tuple[Path, Path]) -> None:
    """A one-step workflow using hello.greet runs through the real CLI, next to a
    broken plugin that is only warned about."""
    workflow, data = hello_workflow
    proc = orchestrion(venv, "run", str(workflow), "--input", str(data), "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["status"] == "succeeded"
    assert result["steps"]["greet"]["output"] == "Hi, Ada!"
    assert len(problem_lines(proc.stderr, "broken")) == 1


def test_workflow_needing_a_blocked_plugin_is_a_config_error(
    venv: Venv, hello_workflow: tuple[Path, Path]
) -> None:
    """With hello blocked, the workflow is rejected before it runs (exit 2), naming
    the unknown component type."""
    workflow, data = hello_workflow
    proc = orchestrion(venv, "-p", "no:hello", "run", str(workflow), "--input", str(data))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "hello.greet" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_blocked_with_p_no_and_never_imported(venv: Venv) -> None:
    """-p no:hello lists hello as blocked, and its module is never imported."""
    plugins, proc = listing(venv, "-p", "no:hello", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert plugins["hello"]["status"] == "blocked"
    assert plugins["hello"]["registers"] == {}
    # -X importtime (through the environment) logs every module imported.
    assert "orchestrion_hello" not in proc.stderr
    assert "orchestrion._plugins" in proc.stderr  # the log really was on


def test_side_effect_plugin_runs_only_when_not_blocked(venv: Venv, tmp_path: Path) -> None:
    """A plugin whose import writes a file writes it when loaded, and never when blocked."""
    marker = tmp_path / "imported.txt"
    env = {"ORCHESTRION_TEST_MARKER": str(marker)}
    plugins, _ = listing(venv, env=env)
    assert plugins["sidefx"]["status"] == "ok"
    assert marker.exists()  # the control: the side effect is observable

    marker.unlink()
    for args, extra in [
        (("-p", "no:sidefx"), {}),
        (("-p", "no:orchestrion-sidefx"), {}),  # the distribution name matches too
        ((), {"ORCHESTRION_DISABLE_PLUGINS": "sidefx"}),
        ((), {"ORCHESTRION_PLUGINS": "hello"}),
        (("--plugins", "hello"), {}),
    ]:
        plugins, _ = listing(venv, *args, env={**env, **extra})
        assert plugins["sidefx"]["status"] == "blocked", (args, extra)
        assert not marker.exists(), f"blocked plugin was imported with {args} {extra}"


def test_selected_by_env_variable(venv: Venv) -> None:
    """ORCHESTRION_PLUGINS=hello loads hello only; the broken plugin is not even tried."""
    plugins, proc = listing(venv, env={"ORCHESTRION_PLUGINS": "hello"})
    assert plugins["hello"]["status"] == "ok"
    assert plugins["broken"]["status"] == "blocked"
    assert plugins["sidefx"]["status"] == "blocked"
    assert problem_lines(proc.stderr, "broken") == []


def test_broken_sibling_is_isolated(venv: Venv) -> None:
    """A plugin whose import raises is reported in one line, and hello still works."""
    plugins, proc = listing(venv)
    assert plugins["hello"]["status"] == "ok"
    broken = plugins["broken"]
    assert broken["status"] == "broken"
    assert "boom" in broken["reason"]
    (line,) = problem_lines("\n".join(json.loads(proc.stdout)["problems"]), "broken")
    assert "orchestrion-broken" in line
    assert "0.0.1" in line


def test_broken_sibling_is_one_line_on_stderr(venv: Venv) -> None:
    """The human listing succeeds and warns about the broken plugin in one stderr line."""
    proc = orchestrion(venv, "plugins", "list")
    assert proc.returncode == 0, proc.stderr
    assert "hello" in proc.stdout
    (line,) = problem_lines(proc.stderr, "broken")
    assert "orchestrion-broken" in line
    assert "0.0.1" in line
    assert "Traceback" not in proc.stderr


def test_doctor_reports_the_broken_plugin_with_exit_3(venv: Venv) -> None:
    """plugins doctor exits 3 and names the broken plugin's distribution and remedy."""
    proc = orchestrion(venv, "plugins", "doctor")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    output = proc.stdout + proc.stderr
    assert any("orchestrion-broken" in line for line in problem_lines(output, "broken"))
    assert "Traceback" not in output


def test_doctor_is_clean_without_the_broken_plugin(venv: Venv) -> None:
    """plugins doctor exits 0 once the broken plugin is blocked."""
    proc = orchestrion(venv, "-p", "no:broken", "plugins", "doctor")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_strict_plugins_makes_the_broken_plugin_fatal(venv: Venv) -> None:
    """--strict-plugins turns the broken plugin into a one-line error with exit 3."""
    proc = orchestrion(venv, "--strict-plugins", "plugins", "list")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    (line,) = problem_lines(proc.stderr, "broken")
    assert "orchestrion-broken" in line
    assert "Traceback" not in proc.stderr


def test_strict_plugins_passes_when_the_broken_plugin_is_blocked(venv: Venv) -> None:
    """--strict-plugins is satisfied when every selected plugin loads."""
    proc = orchestrion(venv, "--strict-plugins", "-p", "no:broken", "plugins", "list")
    assert proc.returncode == 0, proc.stderr
