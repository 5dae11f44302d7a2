"""``orchestrion route`` and ``orchestrion process`` end to end (click runner)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from orchestrion._cli._app import cli

PLUGIN = """
from orchestrion import ComponentType, hookimpl
from orchestrion.exceptions import PermanentError


class Upper:
    def process(self, data, ctx):
        return data.upper()


class Count:
    def process(self, data, ctx):
        return len(data)


class Fail:
    def process(self, data, ctx):
        raise PermanentError("refused")


@hookimpl
def register_components(register):
    register(ComponentType(name="rt.upper", factory=lambda o: Upper(), description="upper"))
    register(ComponentType(name="rt.count", factory=lambda o: Count(), description="count",
                           after=("rt.upper",)))
    register(ComponentType(name="rt.fail", factory=lambda o: Fail(), description="fail"))


@hookimpl
def analyze_requirements(data, profile):
    return ["rt.count", "rt.upper"] if profile.format == "prose" else None
"""

CONFIG = """
[[routing.rules]]
name = "shout"
priority = 5
when = { all = [ "is_text", { condition = "matches_pattern", pattern = "^!" } ] }
route = ["rt.upper"]

[[routing.rules]]
name = "broken"
priority = 1
when = { condition = "looks_like", format = "csv" }
route = ["rt.fail"]
"""


@pytest.fixture
def run_cli(
    orchestrion_distribution: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., tuple[int, str, str]]:
    """Invoke the CLI with the test plugin installed and the rules config."""
    orchestrion_distribution(
        "routing-cli-test", entry_points={"rt": "rt_plugin"}, files={"rt_plugin.py": PLUGIN}
    )
    config = tmp_path / "orchestrion.toml"
    config.write_text(CONFIG, encoding="utf-8")
    for name in ("ORCHESTRION_PLUGINS", "ORCHESTRION_DISABLE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)

    def invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        argv = ["--plugins", "rt", "--config", str(config), *args]
        result = CliRunner().invoke(cli, argv, input=stdin)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_route_prints_the_route(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    """`route -` prints one line per step for the data on stdin."""
    code, out, _ = run_cli("route", "-", stdin="!hey")
    assert code == 0
    assert out.strip() == "rt_upper: rt.upper"


def test_route_explain_names_every_rule_evaluated(
    run_cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """--explain prints each rule evaluated, its conditions and the decision."""
    data = tmp_path / "data.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    code, out, _ = run_cli("route", str(data), "--explain")
    assert code == 0
    assert "[no] shout (priority 5" in out
    assert "[MATCH] broken (priority 1" in out
    assert "looks_like(format='csv') -> true" in out
    assert "decision: rule 'broken' matched" in out


def test_route_json_with_explanation(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    """--json --explain prints the route and the full trace as JSON."""
    code, out, _ = run_cli("route", "--json", "--explain", stdin="It was a dark and stormy night")
    assert code == 0
    payload = json.loads(out)
    assert payload["types"] == ["rt.upper", "rt.count"]
    assert payload["source"] == "requirements"
    explanation = payload["explanation"]
    assert [r["rule"] for r in explanation["rules"]] == ["shout", "broken"]
    assert {"plugin": "rt", "requires": ["rt.count", "rt.upper"]} in explanation["requirements"]


def test_route_json_without_explain_omits_the_trace(
    run_cli: Callable[..., tuple[int, str, str]],
) -> None:
    """--json alone prints the route without the explanation."""
    code, out, _ = run_cli("route", "--json", stdin="!x")
    assert code == 0
    assert "explanation" not in json.loads(out)


def test_process_routes_and_runs(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    """`process` runs the chosen route and prints its output."""
    code, out, _ = run_cli("process", stdin="!hey there")
    assert (code, out) == (0, "!HEY THERE\n")


def test_process_json_includes_route_and_result(
    run_cli: Callable[..., tuple[int, str, str]],
) -> None:
    """`process --json` prints the route and the run result."""
    code, out, _ = run_cli("process", "--json", stdin="It was a dark and stormy night")
    assert code == 0
    payload = json.loads(out)
    assert payload["route"]["types"] == ["rt.upper", "rt.count"]
    assert payload["result"]["status"] == "succeeded"
    assert payload["result"]["output"] == len("It was a dark and stormy night")


def test_process_explain_goes_to_stderr(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    """With --explain the trace is on stderr and stdout keeps only the output."""
    code, out, err = run_cli("process", "--explain", stdin="!a")
    assert (code, out) == (0, "!A\n")
    assert "[MATCH] shout" in err


def test_process_exits_1_when_the_run_fails(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    """A failed run exits with status 1 and names the failing step."""
    code, _, err = run_cli("process", stdin="a,b\n1,2\n")
    assert code == 1
    assert "rt_fail: PermanentError: refused" in err


def test_process_with_nothing_to_do_is_a_config_error(
    run_cli: Callable[..., tuple[int, str, str]],
) -> None:
    """Data no rule or plugin wants exits 2 with a hint."""
    code, _, err = run_cli("process", stdin="plain")
    assert code == 2
    assert "nothing to run" in err
    assert "routing.default" in err


def test_bad_rule_exits_2_naming_it(
    run_cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """A rule routing to an unknown type fails with exit status 2 and names the rule."""
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[routing.rules]]\nname = "oops"\nwhen = "is_text"\nroute = ["rt.uper"]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--plugins", "rt", "--config", str(bad), "route"], input="x")
    assert result.exit_code == 2
    assert "rule 'oops'" in result.stderr
    assert "did you mean 'rt.upper'" in result.stderr


def test_unreadable_input_is_a_config_error(run_cli: Callable[..., tuple[int, str, str]]) -> None:
    """A missing file exits 2 naming it."""
    code, _, err = run_cli("route", "/no/such/file")
    assert code == 2
    assert "/no/such/file" in err


def test_input_format_json_routes_the_parsed_value(
    run_cli: Callable[..., tuple[int, str, str]],
) -> None:
    """--input-format json routes the parsed value (a mapping), not the text."""
    code, out, _ = run_cli(
        "route", "--json", "--explain", "--input-format", "json", stdin='{"a": 1}'
    )
    assert code == 0
    assert json.loads(out)["explanation"]["profile"]["kind"] == "mapping"
    code, _, err = run_cli("route", "--input-format", "json", stdin="{not json")
    assert code == 2
    assert "not valid JSON" in err


def test_input_format_bytes_routes_the_raw_bytes(
    run_cli: Callable[..., tuple[int, str, str]],
) -> None:
    """--input-format bytes routes the raw bytes."""
    code, out, _ = run_cli("route", "--json", "--explain", "--input-format", "bytes", stdin="!x")
    assert code == 0
    assert json.loads(out)["explanation"]["profile"]["python_type"] == "bytes"
