"""``--state``, ``ORCHESTRION_STATE``, ``orchestrion runs list|show|prune`` and
``orchestrion resume`` refusals, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from orchestrion._cli._app import cli
from orchestrion._cli._runs import parse_duration

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


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--no-autoload", *args], env=env)


@pytest.fixture
def workflow(tmp_path: Path) -> Path:
    path = tmp_path / "words.toml"
    path.write_text(WORKFLOW, encoding="utf-8")
    return path


def _run(workflow: Path, *state: str, env: dict[str, str] | None = None) -> str:
    text = workflow.with_name("in.txt")
    text.write_text("one two three\n", encoding="utf-8")
    result = invoke("run", str(workflow), "--input", str(text), "--json", *state, env=env)
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["run_id"])


def test_run_is_recorded_and_listed(workflow: Path, tmp_path: Path) -> None:
    """A run with --state is listed (JSON) with its status and totals."""
    state = str(tmp_path / "s.sqlite")
    run_id = _run(workflow, "--state", state)
    listed = invoke("runs", "list", "--json", "--state", state)
    assert listed.exit_code == 0, listed.output
    runs = json.loads(listed.stdout)
    assert [r["run_id"] for r in runs] == [run_id]
    assert runs[0]["status"] == "succeeded"
    assert runs[0]["summary"]["totals"]["steps"] == 3
    assert "definition" not in runs[0]
    failed = invoke("runs", "list", "--json", "--status", "failed", "--state", state)
    assert json.loads(failed.stdout) == []


def test_show_lists_steps_and_items(workflow: Path, tmp_path: Path) -> None:
    """``runs show --json`` has the run and one row per step, items counted."""
    state = str(tmp_path / "s.sqlite")
    run_id = _run(workflow, "--state", state)
    shown = invoke("runs", "show", run_id, "--json", "--state", state)
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["run"]["definition"]["name"] == "words"
    rows = {row["step"]: row for row in data["steps"]}
    assert list(rows) == ["lines", "count", "stats"]
    assert rows["count"]["items"] == {"committed": 1, "failed": 0}
    table = invoke("runs", "show", run_id, "--state", state)
    assert table.exit_code == 0, table.output
    assert "count" in table.stdout
    missing = invoke("runs", "show", "nope", "--state", state)
    assert missing.exit_code == 2
    assert "no run 'nope'" in missing.stderr


def test_env_and_default_locations(workflow: Path, tmp_path: Path) -> None:
    """Without --state the file comes from ORCHESTRION_STATE, else the data directory."""
    env_file = tmp_path / "from-env.sqlite"
    _run(workflow, env={"ORCHESTRION_STATE": str(env_file)})
    assert env_file.is_file()
    data = tmp_path / "xdg"
    _run(workflow, env={"XDG_DATA_HOME": str(data)})
    assert (data / "orchestrion" / "state.sqlite").is_file()
    _run(workflow, "--state", ":memory:", env={"XDG_DATA_HOME": str(tmp_path / "none")})
    assert not (tmp_path / "none").exists()


def test_prune_removes_old_runs(workflow: Path, tmp_path: Path) -> None:
    """``runs prune --older-than`` deletes finished runs older than the duration."""
    state = str(tmp_path / "s.sqlite")
    _run(workflow, "--state", state)
    kept = invoke("runs", "prune", "--older-than", "7d", "--state", state)
    assert kept.exit_code == 0, kept.output
    assert "pruned 0 runs" in kept.stdout
    gone = invoke("runs", "prune", "--older-than", "0s", "--state", state)
    assert "pruned 1 run " in gone.stdout
    assert json.loads(invoke("runs", "list", "--json", "--state", state).stdout) == []
    bad = invoke("runs", "prune", "--older-than", "soon", "--state", state)
    assert bad.exit_code == 2
    assert "is not a duration" in bad.stderr


def test_resume_refusals_exit_two(workflow: Path, tmp_path: Path) -> None:
    """Resuming a finished run or using a foreign file exits 2 with one clear line."""
    state = tmp_path / "s.sqlite"
    run_id = _run(workflow, "--state", str(state))
    finished = invoke("resume", run_id, "--state", str(state))
    assert finished.exit_code == 2
    assert "already finished (succeeded)" in finished.stderr
    foreign = tmp_path / "notes.txt"
    foreign.write_text("my notes\n" * 100, encoding="utf-8")
    refused = invoke("resume", run_id, "--state", str(foreign))
    assert refused.exit_code == 2
    assert "not an SQLite database" in refused.stderr
    assert foreign.read_text(encoding="utf-8") == "my notes\n" * 100


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("45s", 45), ("30m", 1800), ("12h", 43200), ("7d", 604800), ("2w", 1209600)],
)
def test_durations(text: str, seconds: int) -> None:
    """Durations take a number and one unit of s, m, h, d or w."""
    assert parse_duration(text).total_seconds() == seconds
