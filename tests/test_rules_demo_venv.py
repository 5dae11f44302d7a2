"""The example routing-rule plugin ``orchestrion-rules-demo``, installed by pip
into a throwaway virtual environment and driven through its real entry point
with the real ``orchestrion route`` and ``orchestrion process`` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import Venv, VenvFactory

pytestmark = pytest.mark.slow

TICKET = '{"ticket_id": 7, "subject": "Site is down", "body": "since 9am"}\n'
ERROR_LINE = "2024-05-01 12:00:03 ERROR disk /dev/sda1 is full\n"
INFO_LINE = "2024-05-01T12:00:04Z [info] backup finished\n"


@pytest.fixture(scope="module")
def venv(venv_factory: VenvFactory) -> Venv:
    """A venv with the core and the rules-demo example installed by pip (not editable)."""
    env = venv_factory.create("rules-demo")
    env.pip_install(
        venv_factory.repo / "core", venv_factory.repo / "examples" / "orchestrion-rules-demo"
    )
    return env


def orchestrion(venv: Venv, tmp_path: Path, *args: str, data: str) -> dict[str, Any]:
    """Run ``orchestrion ARGS FILE --json`` on ``data`` in the venv; its JSON output."""
    source = tmp_path / "input.txt"
    source.write_text(data, encoding="utf-8")
    # Run in an empty folder so no orchestrion.toml of the repository applies.
    proc = venv.run("orchestrion", *args, str(source), "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_entry_point_is_listed(venv: Venv, tmp_path: Path) -> None:
    """The installed distribution is found through its 'rules-demo' entry point."""
    proc = venv.run("orchestrion", "plugins", "list", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    plugins = {p["name"]: p for p in json.loads(proc.stdout)["plugins"]}
    assert plugins["rules-demo"]["distribution"] == "orchestrion-rules-demo"
    assert plugins["rules-demo"]["status"] == "ok"


@pytest.mark.parametrize(
    ("data", "rule", "types"),
    [
        (TICKET, "rules_demo.tickets", ["rules_demo.parse_ticket", "rules_demo.triage"]),
        (ERROR_LINE, "rules_demo.error_logs", ["rules_demo.parse_log", "rules_demo.alert"]),
        (INFO_LINE, "rules_demo.logs", ["rules_demo.parse_log"]),
    ],
)
def test_routes_through_the_installed_rules(
    venv: Venv, tmp_path: Path, data: str, rule: str, types: list[str]
) -> None:
    """`orchestrion route` picks the plugin's rule for each kind of input."""
    route = orchestrion(venv, tmp_path, "route", "--explain", data=data)
    assert (route["rule"], route["types"]) == (rule, types)
    evaluated = [r["rule"] for r in route["explanation"]["rules"]]
    assert evaluated[-1] == rule
    assert all("orchestrion-rules-demo" in r["origin"] for r in route["explanation"]["rules"])


def test_process_runs_the_route(venv: Venv, tmp_path: Path) -> None:
    """`orchestrion process` triages a ticket and alerts on an error line."""
    ticket = orchestrion(venv, tmp_path, "process", data=TICKET)
    assert ticket["result"]["status"] == "succeeded"
    assert ticket["result"]["output"]["queue"] == "urgent"
    error = orchestrion(venv, tmp_path, "process", data=ERROR_LINE)
    assert error["result"]["output"] == {
        "alert": "ERROR at 2024-05-01 12:00:03: disk /dev/sda1 is full"
    }


def test_blocking_the_plugin_removes_its_rules(venv: Venv, tmp_path: Path) -> None:
    """With -p no:rules-demo nothing routes the ticket."""
    source = tmp_path / "t.json"
    source.write_text(TICKET, encoding="utf-8")
    proc = venv.run(
        "orchestrion", "-p", "no:rules-demo", "route", str(source), "--json", cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["source"] == "none"
