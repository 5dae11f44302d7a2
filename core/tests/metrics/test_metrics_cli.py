"""``orchestrion metrics``, ``health`` and ``serve-metrics`` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from orchestrion._cli._app import cli

WORKFLOW = """
name = "words"
[steps.lines]
component = "core.lines"
[steps.count]
component = "core.count"
for_each = "lines"
options = { unit = "words" }
[steps.stats]
component = "core.stats"
depends_on = ["count"]
gather = true
"""


def invoke(*args: str) -> Result:
    """Run the CLI with only the built-in plugins."""
    return CliRunner().invoke(cli, ["--no-autoload", *args])


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state file holding two runs of a fan-out workflow."""
    path = tmp_path / "state.sqlite"
    flow = tmp_path / "words.toml"
    flow.write_text(WORKFLOW, encoding="utf-8")
    text = tmp_path / "in.txt"
    text.write_text("one two\nthree\nfour five six\n", encoding="utf-8")
    for _ in range(2):
        result = invoke("run", str(flow), "--input", str(text), "--state", str(path))
        assert result.exit_code == 0, result.output
    return path


def test_metrics_json_aggregates_the_stored_runs(state: Path) -> None:
    """--json prints per-component calls from the store, with notes on what it lacks."""
    result = invoke("metrics", "--json", "--state", str(state))
    assert result.exit_code == 0, result.output
    snap = json.loads(result.stdout)
    assert snap["source"] == "state_store"
    assert snap["components"]["core.count"]["calls"] == 6  # 3 lines, 2 runs
    assert snap["components"]["core.lines"]["successes"] == 2
    assert snap["runs"]["by_status"] == {"succeeded": 2}
    assert snap["runs"]["items"] == 6
    assert snap["components"]["core.count"]["latency"]["p95"] is not None
    assert snap["breakers"] == {}
    assert any("breaker" in note for note in snap["notes"])


def test_metrics_table_and_prometheus_text(state: Path) -> None:
    """Without --json a table is printed; --prometheus prints the exposition format."""
    table = invoke("metrics", "--state", str(state))
    assert table.exit_code == 0, table.output
    assert "2 run(s) (2 succeeded)" in table.stdout
    assert "core.count" in table.stdout
    text = invoke("metrics", "--prometheus", "--state", str(state))
    assert text.exit_code == 0, text.output
    assert 'orchestrion_component_calls_total{component="core.count"} 6.0' in text.stdout


def test_metrics_of_an_empty_store(tmp_path: Path) -> None:
    """An empty store gives zero runs, not an error."""
    result = invoke("metrics", "--json", "--state", str(tmp_path / "empty.sqlite"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["runs"]["runs"] == 0


def test_health_json_lists_every_type_and_exits_zero_when_healthy(state: Path) -> None:
    """health --json reports each built-in type; all healthy means exit status 0."""
    result = invoke("health", "--json", "--state", str(state))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["healthy"] is True
    assert {"core.lines", "core.count", "core.stats"} <= set(report["components"])
    assert report["components"]["core.count"]["breaker"] == "none"


def test_health_table(state: Path) -> None:
    """Without --json, health prints a table and a verdict line."""
    result = invoke("health", "--no-instantiate", "--state", str(state))
    assert result.exit_code == 0, result.output
    assert "core.count" in result.stdout
    assert "healthy" in result.stdout


@pytest.mark.slow
def test_serve_metrics_serves_on_localhost(state: Path) -> None:
    """serve-metrics --port 0 binds 127.0.0.1, answers a scrape, and stops on terminate."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "orchestrion", "--no-autoload", "serve-metrics"]
    proc = subprocess.Popen(
        [*cmd, "--port", "0", "--state", str(state)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()  # the process prints its address first
        assert line.startswith("serving metrics at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].strip()
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()
    assert 'orchestrion_component_calls_total{component="core.count"} 6.0' in body


def test_health_shows_the_last_stored_error(tmp_path: Path) -> None:
    """A failed run in the store gives its component type a last error (type and message)."""
    state = tmp_path / "state.sqlite"
    flow = tmp_path / "bad.toml"
    flow.write_text('name = "bad"\n[steps.s]\ncomponent = "core.stats"\n', encoding="utf-8")
    text = tmp_path / "in.txt"
    text.write_text("hello\n", encoding="utf-8")
    ran = invoke("run", str(flow), "--input", str(text), "--state", str(state))
    assert ran.exit_code == 1, ran.output
    result = invoke("health", "--json", "--state", str(state))
    assert result.exit_code == 0, result.output
    last = json.loads(result.stdout)["components"]["core.stats"]["last_error"]
    assert (last["type"], last["step"]) == ("PermanentError", "s")
    assert "expects a list of numbers" in last["message"]
    snap = json.loads(invoke("metrics", "--json", "--state", str(state)).stdout)
    assert snap["components"]["core.stats"]["failures"] == 1
    assert snap["runs"]["by_status"] == {"failed": 1}
