"""The README's first command: the demo workflow of ``examples/demo`` runs end
to end through the CLI with five plugins, offline, and is recorded."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from orchestrion.cli import cli

# The plugins the demo uses, in the README's install order.
_PLUGINS = ("json", "chunking", "validator", "numeric", "llm")
for _name in _PLUGINS:
    pytest.importorskip(
        f"orchestrion_{_name}", reason=f"the demo needs orchestrion-{_name} installed (tox py3xx)"
    )

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "examples" / "demo"

# The README's command, after `python -m orchestrion`.
_DEMO_ARGS = [
    "--config",
    "examples/demo/orchestrion.toml",
    "run",
    "examples/demo/pipeline.toml",
    "--input",
    "examples/demo/input.json",
    "--input-format",
    "text",
]


@pytest.fixture(autouse=True)
def _at_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's paths (the schema, the command's files) are relative to the
    repository root, where the README's command runs."""
    monkeypatch.chdir(REPO)


def test_readme_first_command_runs_this_demo() -> None:
    """The README's first command installs the demo's plugins and runs exactly
    the command these tests run."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Two commands\n", 1)[1].split("\n## ", 1)[0]
    install, run = re.findall(r"```console\n(.*?)\n```", section, flags=re.DOTALL)[0].split(" && ")
    assert shlex.split(run) == ["python", "-m", "orchestrion", *_DEMO_ARGS]
    installed = shlex.split(install)[4:]
    assert installed[::2] == ["-e"] * 6
    assert installed[1::2] == [
        "core",
        *(f"plugins/orchestrion-{name}" for name in _PLUGINS),
    ]


def _run_demo_json() -> dict[str, Any]:
    result = CliRunner().invoke(cli, [*_DEMO_ARGS, "--json"])
    assert result.exit_code == 0, result.output
    run: dict[str, Any] = json.loads(result.stdout)
    return run


def test_demo_summarises_every_chunk_and_combines_the_summaries() -> None:
    """Each chunk of the description gets its scripted summary, in order, and the
    combiner answers from all of them."""
    run = _run_demo_json()
    assert run["status"] == "succeeded"
    steps = run["steps"]
    assert all(step["status"] == "succeeded" for step in steps.values())
    description = json.loads((DEMO / "input.json").read_text(encoding="utf-8"))["description"]
    chunks = steps["chunks"]["output"]
    assert len(chunks) > 1
    assert "".join(chunk["text"] for chunk in chunks) == description
    summaries = steps["summaries"]["output"]
    assert len(summaries) == len(chunks)
    # Every chunk matched its own scripted answer, never the fallback default.
    assert len(set(summaries)) == len(chunks)
    assert not any(s.startswith("No scripted summary") for s in summaries)
    assert "error 502" in summaries[0]
    assert steps["summaries"]["usage"]["calls"] == len(chunks)
    assert steps["digest"]["usage"]["calls"] == 1
    assert steps["digest"]["output"].startswith("A card-payment outage")


def test_demo_measures_and_validates_the_ticket() -> None:
    """The parallel branches compute the figures' statistics and pass the
    parsed ticket through its JSON Schema unchanged."""
    run = _run_demo_json()
    ticket = json.loads((DEMO / "input.json").read_text(encoding="utf-8"))
    figures = sorted(ticket["metrics"].values())
    stats = run["steps"]["figure_stats"]["output"]
    assert stats["count"] == len(figures) == 5
    assert stats["min"] == figures[0] == 47
    assert stats["max"] == figures[-1] == 5420.5
    assert stats["sum"] == pytest.approx(sum(figures))
    assert stats["percentiles"]["p50"] == 318
    assert run["steps"]["valid"]["status"] == "succeeded"
    assert run["steps"]["valid"]["output"] == ticket


def test_demo_prints_the_report_and_is_recorded() -> None:
    """Without --json the run prints the report, and `runs list` shows the run."""
    result = CliRunner().invoke(cli, _DEMO_ARGS)
    assert result.exit_code == 0, result.output
    assert "Ticket:   TCK-4821 (high, open), schema-valid" in result.stdout
    assert "Figures:  5 values, from 47 to 5420.5, median 318, mean 1422.3" in result.stdout
    listed = CliRunner().invoke(cli, ["runs", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    runs = json.loads(listed.stdout)
    assert [(r["workflow"], r["status"]) for r in runs] == [("ticket-digest", "succeeded")]
