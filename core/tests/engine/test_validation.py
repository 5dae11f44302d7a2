"""Validation of workflows against the loaded plugins, before anything runs."""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from orchestrion import ConfigError, Orchestrator, Workflow

from ._kit import Kit


def wf(steps: dict[str, dict[str, Any]]) -> Workflow:
    return Workflow.model_validate({"name": "w", "steps": steps})


@pytest.fixture
def orch(make_orch: Callable[..., Orchestrator]) -> Orchestrator:
    return make_orch()


def test_cycle_is_reported_with_its_path(orch: Orchestrator, kit: Kit) -> None:
    """A dependency cycle is a ConfigError that prints the cycle's path, and nothing runs."""
    bad = wf(
        {
            "a": {"component": "t.echo"},
            "b": {"component": "t.echo", "depends_on": ["a", "d"]},
            "c": {"component": "t.echo", "depends_on": ["b"]},
            "d": {"component": "t.echo", "depends_on": ["c"]},
        }
    )
    with pytest.raises(ConfigError, match=r"dependency cycle: b -> d -> c -> b") as info:
        orch.run_sync(bad, 1)
    assert info.value.exit_code == 2
    assert kit.log == []


def test_self_dependency_is_a_cycle(orch: Orchestrator) -> None:
    """A step depending on itself is a cycle of one."""
    with pytest.raises(ConfigError, match=r"steps\.a\.depends_on: dependency cycle: a -> a"):
        orch.validate(wf({"a": {"component": "t.echo", "depends_on": ["a"]}}))


def test_dangling_dependency_with_suggestion(orch: Orchestrator) -> None:
    """A dependency on a step that does not exist names the key and suggests a close name."""
    bad = wf(
        {"parse": {"component": "t.echo"}, "b": {"component": "t.echo", "depends_on": ["prase"]}}
    )
    with pytest.raises(
        ConfigError, match=r"steps\.b\.depends_on: unknown step 'prase'; did you mean 'parse'\?"
    ):
        orch.validate(bad)


def test_unknown_component_did_you_mean(orch: Orchestrator) -> None:
    """An unknown component type is reported with a did-you-mean from the registry."""
    with pytest.raises(
        ConfigError,
        match=r"steps\.a\.component: unknown component type 't\.ecoh'; did you mean 't\.echo'",
    ):
        orch.validate(wf({"a": {"component": "t.ecoh"}}))


def test_unknown_first_party_component_names_the_distribution(orch: Orchestrator) -> None:
    """A type from a first-party plugin that is not installed says what to install."""
    installed = {ep.name for ep in metadata.entry_points(group="orchestrion")}
    missing = [
        p for p in ("dask", "llm", "numeric", "validator", "chunking", "json") if p not in installed
    ]
    if not missing:
        pytest.skip("every first-party plugin is installed here")
    with pytest.raises(ConfigError, match=rf"pip install orchestrion-{missing[0]}"):
        orch.validate(wf({"a": {"component": f"{missing[0]}.thing"}}))


def test_unknown_component_of_a_blocked_plugin(kit: Kit) -> None:
    """A type whose plugin is blocked says so instead of suggesting an install."""
    orch = Orchestrator(
        plugins=[kit], config={"plugins": {"autoload": False, "disable": ["core"]}}, env={}
    )
    with pytest.raises(ConfigError, match=r"plugin 'core' would provide it but is blocked"):
        orch.validate(wf({"a": {"component": "core.lines"}}))


def test_bad_options_name_the_key_path(orch: Orchestrator) -> None:
    """Options are validated against the type's model, with the full key path."""
    bad = wf({"parse": {"component": "t.depth", "options": {"max_depth": 0}}})
    with pytest.raises(ConfigError) as info:
        orch.validate(bad)
    assert info.value.key == "steps.parse.options.max_depth"
    assert "steps.parse.options.max_depth: Input should be greater than or equal to 1" in str(
        info.value
    )


def test_unknown_option(orch: Orchestrator) -> None:
    """An option the type does not have is rejected (options models forbid extras)."""
    with pytest.raises(ConfigError, match=r"steps\.a\.options\.depth: Extra inputs"):
        orch.validate(wf({"a": {"component": "t.depth", "options": {"depth": 2}}}))


def test_fan_out_over_a_single_output_step(orch: Orchestrator) -> None:
    """for_each over a step whose type emits one output is rejected."""
    bad = wf({"a": {"component": "t.echo"}, "b": {"component": "t.echo", "for_each": "a"}})
    with pytest.raises(
        ConfigError,
        match=r"steps\.b\.for_each: fan-out over 'a', whose component type 't\.echo' emits one",
    ):
        orch.validate(bad)


def test_many_items_need_gather(orch: Orchestrator) -> None:
    """Depending on a many-item step without for_each or gather is rejected with the fix."""
    bad = wf({"a": {"component": "t.split"}, "b": {"component": "t.echo", "depends_on": ["a"]}})
    with pytest.raises(
        ConfigError, match=r"steps\.b\.depends_on: 'a' produces many items; set gather = true"
    ):
        orch.validate(bad)


def test_gather_without_many_items(orch: Orchestrator) -> None:
    """gather = true with no many-item dependency is rejected."""
    bad = wf(
        {
            "a": {"component": "t.echo"},
            "b": {"component": "t.echo", "depends_on": ["a"], "gather": True},
        }
    )
    with pytest.raises(ConfigError, match=r"steps\.b\.gather: gather = true, but no dependency"):
        orch.validate(bad)


def test_unknown_executor(orch: Orchestrator) -> None:
    """A step naming an executor nobody registered is rejected with a suggestion."""
    bad = wf({"a": {"component": "t.echo", "executor": "locl"}})
    with pytest.raises(
        ConfigError, match=r"steps\.a\.executor: unknown executor 'locl'; did you mean 'local'"
    ):
        orch.validate(bad)


def test_every_problem_is_reported_at_once(orch: Orchestrator) -> None:
    """Several problems are listed in one error, each with its key path."""
    bad = wf(
        {
            "a": {"component": "t.nope"},
            "b": {"component": "t.depth", "options": {"max_depth": -1}},
        }
    )
    with pytest.raises(
        ConfigError, match=r"2 problems: steps\.a\.component: .*; steps\.b\.options\.max_depth"
    ):
        orch.validate(bad)


def test_bad_engine_config(kit: Kit) -> None:
    """A bad [engine] table is a ConfigError naming the key."""
    orch = Orchestrator(
        plugins=[kit], config={"plugins": {"autoload": False}, "engine": {"concurrency": 0}}, env={}
    )
    with pytest.raises(ConfigError, match=r"engine\.concurrency: Input should be greater"):
        orch.validate(wf({"a": {"component": "t.echo"}}))


def test_validate_accepts_a_path(orch: Orchestrator, tmp_path: Path) -> None:
    """validate() loads a workflow file and returns the model when it is valid."""
    path = tmp_path / "wf.toml"
    path.write_text('[steps.a]\ncomponent = "t.echo"\n', encoding="utf-8")
    assert list(orch.validate(path).steps) == ["a"]


@pytest.mark.parametrize(("deadline", "concurrency"), [(0, None), (None, 0)])
def test_bad_run_arguments(
    orch: Orchestrator, deadline: float | None, concurrency: int | None
) -> None:
    """A non-positive deadline or concurrency is a ConfigError before anything runs."""
    with pytest.raises(ConfigError, match="must be"):
        orch.run_sync(
            wf({"a": {"component": "t.echo"}}), deadline=deadline, concurrency=concurrency
        )
