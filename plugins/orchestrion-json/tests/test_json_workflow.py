"""The json components inside workflows run by the engine, and routed by requirements."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrion import ConfigError, Orchestrator
from orchestrion.testing import make_orchestrator

# Three attempts with the default retry_on, to show parse errors are not retried.
RETRY = {"retry": {"attempts": 3, "wait_initial": 0, "wait_jitter": 0}}


@pytest.fixture
def orch() -> Orchestrator:
    """A fresh orchestrator running the installed json plugin only."""
    return make_orchestrator(installed=["json"])


def workflow(*steps: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A chain of ``(component, options)`` steps, each depending on the previous one."""
    out: dict[str, Any] = {}
    previous = None
    for index, (component, options) in enumerate(steps):
        name = f"s{index}"
        out[name] = {"component": component, "options": options}
        if previous is not None:
            out[name]["depends_on"] = [previous]
        previous = name
    return {"name": "json-test", "steps": out}


@pytest.mark.anyio
async def test_parse_select_dump_chain(orch: Orchestrator) -> None:
    """parse -> select -> dump produces the canonical text of the selected value."""
    wf = workflow(
        ("json.parse", {}),
        ("json.select", {"pointer": "/user"}),
        ("json.dump", {"style": "canonical"}),
    )
    result = await orch.run(wf, b'{"user": {"name": "ada", "id": 7}, "other": 1}')
    assert result.status == "succeeded"
    assert result.output == '{"id":7,"name":"ada"}'
    await orch.aclose()


@pytest.mark.anyio
async def test_json_lines_fans_out(orch: Orchestrator) -> None:
    """json.lines emits one item per line and a per-item step runs on each."""
    wf = {
        "steps": {
            "lines": {"component": "json.lines"},
            "pick": {"component": "json.select", "options": {"pointer": "/v"}, "for_each": "lines"},
        }
    }
    result = await orch.run(wf, '{"v": 1}\n{"v": 2}\n\n{"v": 3}\n')
    assert result.status == "succeeded"
    assert result.output == [1, 2, 3]
    await orch.aclose()


@pytest.mark.anyio
async def test_malformed_input_fails_the_step_once_with_position(orch: Orchestrator) -> None:
    """A malformed document fails json.parse with ParseError (line, column), never retried,
    and the dependent step is skipped."""
    wf = workflow(("json.parse", {}), ("json.dump", {}))
    wf["policy"] = RETRY
    result = await orch.run(wf, '{\n  "a": 1,\n  "b": ]\n}')
    parse = result.steps["s0"]
    assert result.status == "failed"
    assert parse.status == "failed"
    assert parse.error is not None
    assert parse.error.type == "ParseError"
    assert "line 3, column 8" in parse.error.message
    assert parse.attempts == 1
    assert result.steps["s1"].status == "skipped"
    await orch.aclose()


@pytest.mark.anyio
async def test_deeply_nested_input_is_a_clean_failure(orch: Orchestrator) -> None:
    """A million nested arrays end the run failed with a ParseError, not a crash."""
    result = await orch.run(workflow(("json.parse", {})), "[" * 1_000_000)
    assert result.steps["s0"].error is not None
    assert result.steps["s0"].error.type == "ParseError"
    await orch.aclose()


def test_bad_options_fail_at_load_time(orch: Orchestrator) -> None:
    """An invalid JSON Pointer or an unknown option is a ConfigError before anything runs."""
    with pytest.raises(ConfigError, match="JSON Pointer"):
        orch.validate(workflow(("json.parse", {}), ("json.select", {"pointer": "no-slash"})))
    with pytest.raises(ConfigError, match="max_dept"):
        orch.validate(workflow(("json.parse", {"max_dept": 3})))


@pytest.mark.anyio
async def test_routed_processing(orch: Orchestrator) -> None:
    """Routed by requirements, JSON text is parsed and JSON Lines is split."""
    result = await orch.process('{"a": [1, 2]}')
    assert orch.plan('{"a": [1, 2]}').types == ("json.parse",)
    assert result.output == {"a": [1, 2]}
    lines = await orch.process('{"a": 1}\n{"a": 2}\n')
    assert lines.output == [{"a": 1}, {"a": 2}]
    await orch.aclose()
