"""Property tests over random DAGs: every step runs exactly once, only after all
of its dependencies, and the outputs equal a sequential reference evaluation;
on asyncio and trio, at any concurrency."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrion import Orchestrator, Workflow

from ._kit import Kit, combine


@st.composite
def dags(draw: st.DrawFn) -> dict[str, list[str]]:
    """A random DAG as step name -> dependencies, declared in a random order."""
    n = draw(st.integers(min_value=1, max_value=14))
    names = [f"s{i}" for i in range(n)]
    deps = {
        name: draw(st.lists(st.sampled_from(names[:i]), unique=True, max_size=4)) if i else []
        for i, name in enumerate(names)
    }
    order = draw(st.permutations(names))
    return {name: deps[name] for name in order}


def reference(graph: dict[str, list[str]], data: Any) -> dict[str, Any]:
    """Evaluate the DAG one step at a time, as the engine must."""
    out: dict[str, Any] = {}
    while len(out) < len(graph):
        for name, deps in graph.items():
            if name in out or any(d not in out for d in deps):
                continue
            if not deps:
                value = data
            elif len(deps) == 1:
                value = out[deps[0]]
            else:
                value = {d: out[d] for d in deps}
            out[name] = combine(name, value)
    return out


def workflow(graph: dict[str, list[str]]) -> Workflow:
    return Workflow.model_validate(
        {
            "name": "random",
            "steps": {
                name: {"component": "t.combine", "options": {"salt": name}, "depends_on": deps}
                for name, deps in graph.items()
            },
        }
    )


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(max_examples=60, deadline=None)
@given(graph=dags(), concurrency=st.integers(min_value=1, max_value=6))
def test_random_dags_run_correctly(
    backend: str, graph: dict[str, list[str]], concurrency: int
) -> None:
    """Each step runs once, after all its dependencies, with the reference's output."""
    kit = Kit()
    with Orchestrator(plugins=[kit], config={"plugins": {"autoload": False}}, env={}) as orch:
        result = orch.run_sync(workflow(graph), "x", concurrency=concurrency, backend=backend)
    assert result.status == "succeeded"
    starts = [step for event, step, _ in kit.log if event == "start"]
    assert sorted(starts) == sorted(graph)  # every step exactly once
    position = {(event, step): i for i, (event, step, _) in enumerate(kit.log)}
    for name, deps in graph.items():
        for dep in deps:
            assert position[("end", dep)] < position[("start", name)]
    expected = reference(graph, "x")
    assert {name: step.output for name, step in result.steps.items()} == expected


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(max_examples=40, deadline=None)
@given(
    items=st.integers(min_value=0, max_value=30),
    lane=st.integers(min_value=1, max_value=4),
    concurrency=st.integers(min_value=1, max_value=8),
)
def test_random_fan_out_chains(backend: str, items: int, lane: int, concurrency: int) -> None:
    """A fan-out through a chain of per-item steps gathers every item's result in order."""
    steps: dict[str, Any] = {"split": {"component": "t.split"}}
    prev = "split"
    for i in range(lane):
        steps[f"p{i}"] = {"component": "t.combine", "options": {"salt": f"p{i}"}, "for_each": prev}
        prev = f"p{i}"
    steps["all"] = {"component": "t.echo", "depends_on": [prev], "gather": True}
    flow = Workflow.model_validate({"name": "fan", "steps": steps})
    kit = Kit()
    with Orchestrator(plugins=[kit], config={"plugins": {"autoload": False}}, env={}) as orch:
        result = orch.run_sync(flow, items, concurrency=concurrency, backend=backend)
    expected = []
    for item in range(items):
        value: Any = item
        for i in range(lane):
            value = combine(f"p{i}", value)
        expected.append(value)
    assert result.status == "succeeded"
    assert result.output == expected
    for i in range(1, lane):
        for item in range(items):
            end = kit.log.index(("end", f"p{i - 1}", item))
            assert end < kit.log.index(("start", f"p{i}", item))


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
@settings(max_examples=40, deadline=None)
@given(graph=dags(), data=st.data(), concurrency=st.integers(min_value=1, max_value=6))
def test_random_failures_skip_exactly_the_dependents(
    backend: str, graph: dict[str, list[str]], data: st.DataObject, concurrency: int
) -> None:
    """Under 'continue', exactly the descendants of failed steps are skipped; the rest finish."""
    failing = data.draw(st.sets(st.sampled_from(sorted(graph))))
    expected: dict[str, str] = {}
    while len(expected) < len(graph):
        for name, deps in graph.items():
            if name in expected or any(d not in expected for d in deps):
                continue
            if any(expected[d] != "succeeded" for d in deps):
                expected[name] = "skipped"
            else:
                expected[name] = "failed" if name in failing else "succeeded"
    flow = Workflow.model_validate(
        {
            "steps": {
                name: {
                    "component": "t.fail" if name in failing else "t.echo",
                    "depends_on": deps,
                }
                for name, deps in graph.items()
            }
        }
    )
    kit = Kit()
    with Orchestrator(plugins=[kit], config={"plugins": {"autoload": False}}, env={}) as orch:
        result = orch.run_sync(flow, "x", concurrency=concurrency, backend=backend)
    assert {name: step.status for name, step in result.steps.items()} == expected
    ran = sorted(step for _, step, _ in kit.log)
    assert ran == sorted(n for n, s in expected.items() if s != "skipped")
    counts = set(expected.values())
    if "failed" not in counts:
        assert result.status == "succeeded"
    elif "succeeded" in counts:
        assert result.status == "partial"
    else:
        assert result.status == "failed"
