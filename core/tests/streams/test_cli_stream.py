"""``orchestrion stream``: JSON Lines in and out, dead letters, resume and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from orchestrion._cli._app import cli

WORKFLOW = """
name = "words"
[steps.count]
component = "core.count"
options = { unit = "words" }
"""


def invoke(*args: str, stdin: str | None = None) -> Result:
    """Run the CLI in-process with only the built-in plugins."""
    return CliRunner().invoke(cli, ["--no-autoload", "stream", *args], input=stdin)


@pytest.fixture
def workflow(tmp_path: Path) -> Path:
    """A one-step workflow counting the words of each record."""
    path = tmp_path / "words.toml"
    path.write_text(WORKFLOW, encoding="utf-8")
    return path


def test_records_flow_from_stdin_to_stdout_in_order(workflow: Path) -> None:
    """Each JSON line's output is written in input order; blank lines are skipped."""
    lines = [json.dumps(" ".join(["w"] * n)) for n in range(1, 41)]
    result = invoke("--workflow", str(workflow), stdin="\n".join(lines) + "\n\n")
    assert result.exit_code == 0, result.output
    assert [json.loads(x) for x in result.stdout.splitlines()] == list(range(1, 41))
    assert "40 records, 40 ok, 0 failed" in result.stderr


def test_bad_records_go_to_the_dead_letter_file_and_exit_1(workflow: Path, tmp_path: Path) -> None:
    """A line that is not JSON and a record the step rejects are dead-lettered; the rest go on."""
    source = tmp_path / "in.jsonl"
    source.write_text('"a b"\nnot json\n{"not": "text"}\n"c"\n', encoding="utf-8")
    out, letters = tmp_path / "out.jsonl", tmp_path / "dead.jsonl"
    result = invoke(
        "--workflow", str(workflow), "--input", str(source), "--output", str(out),
        "--dead-letter", str(letters), "--unordered",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert sorted(json.loads(x) for x in out.read_text().splitlines()) == [1, 2]
    dead = sorted(
        (json.loads(x) for x in letters.read_text().splitlines()), key=lambda d: d["offset"]
    )
    assert [d["offset"] for d in dead] == [1, 2]
    assert dead[0]["record"] == "not json"
    assert all(d["error_type"] and d["error"] for d in dead)
    assert "2 failed (2 dead-lettered)" in result.stderr


def test_a_named_stream_resumes_after_its_last_record(workflow: Path, tmp_path: Path) -> None:
    """Run again with the same name and state file, only records appended since are processed."""
    source, state = tmp_path / "in.jsonl", tmp_path / "state.db"
    source.write_text('"a"\n"a b"\n', encoding="utf-8")
    args = ("--workflow", str(workflow), "--input", str(source), "--name", "feed")
    first = invoke(*args, "--state", str(state))
    with source.open("a", encoding="utf-8") as f:
        f.write('"a b c"\n')
    second = invoke(*args, "--state", str(state))
    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    assert first.stdout.split() == ["1", "2"]
    assert second.stdout.split() == ["3"]
    assert "resumed after offset 1" in second.stderr


def test_a_missing_workflow_file_is_a_usage_error(tmp_path: Path) -> None:
    """A --workflow path that does not exist exits with status 2."""
    result = invoke("--workflow", str(tmp_path / "nope.toml"), stdin="1\n")
    assert result.exit_code == 2


def test_batch_mode_gives_the_same_output(workflow: Path) -> None:
    """``--batch`` writes the same outputs, in order, as the one-by-one path."""
    lines = [json.dumps(" ".join(["w"] * n)) for n in range(1, 101)]
    result = invoke("--workflow", str(workflow), "--batch", "8", stdin="\n".join(lines))
    assert result.exit_code == 0, result.output
    assert [json.loads(x) for x in result.stdout.splitlines()] == list(range(1, 101))
