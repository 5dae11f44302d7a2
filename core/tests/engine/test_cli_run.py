"""``orchestrion run`` and ``orchestrion demo``: output, formats and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from orchestrion import RunResult
from orchestrion._cli._app import cli

REPO = Path(__file__).resolve().parents[3]

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


def invoke(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(cli, ["--no-autoload", *args], input=stdin, env=env)


@pytest.fixture
def workflow(tmp_path: Path) -> Path:
    path = tmp_path / "words.toml"
    path.write_text(WORKFLOW, encoding="utf-8")
    return path


def test_run_prints_the_output_and_a_plain_summary(workflow: Path, tmp_path: Path) -> None:
    """Not on a terminal, the output goes to stdout and one line per step to stderr."""
    text = tmp_path / "in.txt"
    text.write_text("one two\nthree\n", encoding="utf-8")
    result = invoke("run", str(workflow), "--input", str(text))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["sum"] == 3
    assert "count\tsucceeded" in result.stderr
    assert " succeeded in " in result.stderr


def test_run_reads_stdin_and_writes_a_file(workflow: Path, tmp_path: Path) -> None:
    """--input - reads stdin; --output FILE writes the output there."""
    out = tmp_path / "out.json"
    result = invoke("run", str(workflow), "--input", "-", "--output", str(out), stdin="a b c\n")
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["sum"] == 3


def test_run_json_prints_the_result_model(workflow: Path) -> None:
    """--json prints exactly the RunResult model on stdout."""
    result = invoke(
        "run", str(workflow), "--input", "-", "--json", "--concurrency", "2", stdin="a\n"
    )
    assert result.exit_code == 0, result.output
    parsed = RunResult.model_validate_json(result.stdout)
    assert parsed.status == "succeeded"
    assert parsed.workflow == "words"


def test_json_input_file_is_decoded(tmp_path: Path) -> None:
    """A .json input file is decoded (here a list of numbers for core.stats)."""
    wf = tmp_path / "s.yaml"
    wf.write_text("steps:\n  s: {component: core.stats}\n", encoding="utf-8")
    data = tmp_path / "in.json"
    data.write_text("[1, 2, 3]", encoding="utf-8")
    result = invoke("run", str(wf), "--input", str(data))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["mean"] == 2


def test_failed_run_exits_1(tmp_path: Path) -> None:
    """A run that fails exits with status 1 and says which step failed."""
    wf = tmp_path / "s.toml"
    wf.write_text('[steps.s]\ncomponent = "core.stats"\n', encoding="utf-8")
    result = invoke("run", str(wf), "--input", "-", stdin="not numbers")
    assert result.exit_code == 1
    assert "ended failed; steps: s" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[steps.s]\ncomponent = "core.stat"\n', "did you mean 'core.stats'"),
        (
            '[steps.s]\ncomponent = "core.count"\noptions = { unit = "bytes" }\n',
            "steps.s.options.unit",
        ),
        ('[steps.s]\ncomponent = "core.count"\ndepends_on = ["s"]\n', "dependency cycle: s -> s"),
    ],
)
def test_configuration_errors_exit_2(tmp_path: Path, content: str, message: str) -> None:
    """An invalid workflow exits with status 2 and one line naming the file and key."""
    wf = tmp_path / "bad.toml"
    wf.write_text(content, encoding="utf-8")
    result = invoke("run", str(wf))
    assert result.exit_code == 2
    assert str(wf) in result.stderr
    assert message in result.stderr


def test_json_and_stdout_output_conflict(workflow: Path) -> None:
    """--json together with --output - is a usage error (both want stdout)."""
    result = invoke("run", str(workflow), "--json", "--output", "-")
    assert result.exit_code == 2
    assert "--output" in result.stderr


def test_terminal_shows_a_summary_table(workflow: Path) -> None:
    """On a terminal the run ends with a table of steps and the output."""
    result = invoke(
        "run",
        str(workflow),
        "--input",
        "-",
        stdin="a b\n",
        env={"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": "120"},
    )
    assert result.exit_code == 0, result.output
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # rich styles even without colour
    assert "status succeeded" in plain
    assert "core.count" in plain


def test_demo_runs_the_text_report() -> None:
    """orchestrion demo runs the multi-step text report end to end."""
    result = invoke("demo")
    assert result.exit_code == 0, result.output
    assert "Lines:" in result.stdout
    assert "Most frequent:" in result.stdout
    report = invoke("demo", "--json")
    parsed = RunResult.model_validate_json(report.stdout)
    assert parsed.status == "succeeded"
    assert set(parsed.steps) == {"lines", "words_per_line", "line_stats", "top_words", "report"}
    assert parsed.totals.items > 1


def test_demo_matches_the_example_files() -> None:
    """The shipped demo is the same workflow and data as examples/workflows."""
    shipped = REPO / "core/src/orchestrion/_builtin/demo"
    example = REPO / "examples/workflows"
    assert (shipped / "text_report.toml").read_text() == (example / "text_report.toml").read_text()
    assert (shipped / "sample.txt").read_text() == (example / "data/sample.txt").read_text()


def test_deadline_cancels_the_run_and_exits_1() -> None:
    """--deadline stops the run; a cancelled run exits with status 1."""
    result = invoke("demo", "--deadline", "0.000001", "--json")
    assert result.exit_code == 1
    parsed = RunResult.model_validate_json(result.stdout)
    assert parsed.status == "cancelled"
    assert parsed.cancelled_by == "deadline"
    assert "ended cancelled" in result.stderr
