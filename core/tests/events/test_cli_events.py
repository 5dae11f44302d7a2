"""``orchestrion events publish``: publish one event, wait for its runs, report them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from orchestrion.cli import PublishReport, cli

WORKFLOW = """
name = "count-words"

[steps.count]
component = "core.count"
options = { unit = "words" }
"""

CONFIG = """
[plugins]
autoload = false

[components."core.count"]
unit = "words"

[[events.triggers]]
on = "doc.received"
workflow = "count.toml"
input = "text"

[[events.triggers]]
name = "route.docs"
on = "doc.*"
process = true
input = "text"

[[events.triggers]]
on = "count.requested"
workflow = "count.toml"
input = "text"

[[events.triggers]]
on = "doc.missing"
workflow = "no-such-workflow.toml"

[[routing.rules]]
name = "text"
when = "is_text"
route = ["core.count"]
"""

Invoke = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Invoke the CLI with a config declaring triggers (run from another folder)."""
    (tmp_path / "count.toml").write_text(WORKFLOW, encoding="utf-8")
    config = tmp_path / "orchestrion.toml"
    config.write_text(CONFIG, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # workflow paths are relative to the config file
    for name in ("ORCHESTRION_PLUGINS", "ORCHESTRION_DISABLE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["--config", str(config), *args], input=stdin)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_event_runs_its_workflow_and_routed_trigger(run_cli: Invoke) -> None:
    """An event matching two triggers runs both and prints their outputs; exit 0."""
    code, out, err = run_cli("events", "publish", "doc.received", "--data", '{"text": "a b c"}')
    assert code == 0, err
    assert out.split() == ["3", "3"]
    assert "2 run(s) triggered" in err
    assert "trigger.1: run " in err
    assert "route.docs: run " in err


def test_json_output_describes_the_event_and_runs(run_cli: Invoke) -> None:
    """--json prints the event and each run's result."""
    code, out, _ = run_cli("events", "publish", "doc.new", "--json", "--data", '{"text": "x y"}')
    assert code == 0
    document = json.loads(out)
    assert document["event"]["type"] == "doc.new"
    [run] = document["runs"]
    assert (run["trigger"], run["status"], run["ok"]) == ("route.docs", "succeeded", True)
    assert run["result"]["output"] == 2
    report = PublishReport.model_validate_json(out)  # the documented shape
    assert report.handlers == ["route.docs"]
    assert report.failures == []


def test_json_output_lists_handler_failures(run_cli: Invoke) -> None:
    """--json lists the handlers that failed on a dead-lettered event."""
    code, out, _ = run_cli("events", "publish", "doc.new", "--json", "--data", '{"x": 1}')
    assert code == 0
    report = PublishReport.model_validate_json(out)
    [failure] = report.failures
    assert (failure.handler, failure.error_type) == (
        "route.docs",
        "orchestrion.exceptions.ConfigError",
    )
    assert report.runs == []


def test_data_can_come_from_a_file_or_stdin(run_cli: Invoke, tmp_path: Path) -> None:
    """--data @FILE and --data @- read the JSON object from a file or stdin."""
    data = tmp_path / "event.json"
    data.write_text('{"text": "one two"}', encoding="utf-8")
    code, out, _ = run_cli("events", "publish", "doc.new", "--data", f"@{data}")
    assert (code, out.strip()) == (0, "2")
    code, out, _ = run_cli("events", "publish", "doc.new", "--data", "@-", stdin='{"text": "a"}')
    assert (code, out.strip()) == (0, "1")


def test_failed_run_exits_1(run_cli: Invoke) -> None:
    """When a triggered run fails, the command exits 1 and names it."""
    code, _, err = run_cli("events", "publish", "count.requested", "--data", '{"text": 5}')
    assert code == 1
    assert "did not succeed" in err


def test_trigger_that_cannot_start_its_run_exits_2(run_cli: Invoke) -> None:
    """A trigger whose workflow file is missing exits 2 with the file named."""
    code, _, err = run_cli("events", "publish", "doc.missing", "--data", '{"text": "a"}')
    assert code == 2
    assert "no-such-workflow.toml" in err


def test_event_without_triggers_exits_0(run_cli: Invoke) -> None:
    """An event nobody acts on is published and reported; exit 0."""
    code, out, err = run_cli("events", "publish", "billing.paid")
    assert (code, out) == (0, "")
    assert "to 0 handler(s); 0 run(s) triggered" in err


def test_missing_input_key_is_reported_once(run_cli: Invoke) -> None:
    """A trigger whose input key the event lacks is reported as a handler failure."""
    code, _, err = run_cli("events", "publish", "doc.new", "--data", '{"other": 1}')
    assert code == 0
    assert err.count("no data key 'text'") == 1
    assert "warning: handler route.docs failed" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad.Type"], "dotted lower-case name"),
        (["a", "--data", "[1]"], "must be a JSON object"),
        (["a", "--data", "{nope"], "not valid JSON"),
        (["a", "--data", "@/no/such/file.json"], "cannot read event data"),
    ],
)
def test_bad_arguments_exit_2(run_cli: Invoke, args: list[str], message: str) -> None:
    """A bad type or bad data is a usage error (exit 2) saying what is wrong."""
    code, _, err = run_cli("events", "publish", *args)
    assert code == 2
    assert message in err
