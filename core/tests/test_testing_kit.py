"""The testing kit for plugin authors: ``orchestrion.testing`` and its pytest fixtures."""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

import orchestrion
from orchestrion import ComponentType, Condition, hookimpl
from orchestrion.exceptions import PluginValidationError
from orchestrion.testing import (
    HookRecorder,
    StepContext,
    check_options_tables,
    make_orchestrator,
    make_step_context,
    options_table,
    write_distribution,
)

Install = Callable[..., Path]


class Shouter:
    """An in-process plugin: a class instance with hook implementations."""

    orchestrion_plugin_name = "shouter"

    class Upper:
        def process(self, data: str, ctx: StepContext) -> str:
            return data.upper()

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        register(ComponentType(name="shout.upper", factory=lambda options: self.Upper()))

    @hookimpl
    def analyze_requirements(self, data: Any) -> list[str] | None:
        return ["shout.upper"] if isinstance(data, str) else None


class Quiet:
    """A second in-process plugin that never requires anything."""

    @hookimpl(tryfirst=True)
    def analyze_requirements(self, data: Any) -> None:
        return None


@pytest.fixture(autouse=True)
def _hostile_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Environment settings that make_orchestrator must ignore."""
    monkeypatch.setenv("ORCHESTRION_DISABLE_PLUGINS", "conditions")
    monkeypatch.setenv("ORCHESTRION_PLUGINS", "nothing-real")
    monkeypatch.chdir(tmp_path)


def test_make_orchestrator_loads_given_plugins_and_ignores_env() -> None:
    """The in-process plugins and the built-ins load, whatever ORCHESTRION_* say."""
    orch = make_orchestrator(Shouter())
    assert "shout.upper" in orch.registry.components
    assert orch.registry.components.owner("shout.upper") == "shouter"
    assert "size_over" in orch.registry.conditions


def test_make_orchestrator_without_builtins() -> None:
    """builtins=False leaves the built-in plugins out."""
    orch = make_orchestrator(Shouter(), builtins=False)
    assert "size_over" not in orch.registry.conditions
    assert "shout.upper" in orch.registry.components


def test_make_orchestrator_does_not_autoload(
    orchestrion_distribution: Install, tmp_path: Path
) -> None:
    """Installed plugins are neither loaded nor imported unless named in ``installed``."""
    marker = tmp_path / "imported"
    orchestrion_distribution(
        "kit-dist",
        entry_points={"kit": "kit_plugin"},
        files={"kit_plugin.py": f"import pathlib\npathlib.Path({str(marker)!r}).touch()\n"},
    )
    orch = make_orchestrator()
    assert orch.plugins.records["kit"].status == "blocked"
    assert not marker.exists()
    assert make_orchestrator(installed=["kit-dist"]).plugins.records["kit"].status == "ok"
    assert marker.exists()


def test_make_orchestrator_is_strict_by_default() -> None:
    """A broken in-process plugin raises at once unless strict=False."""
    broken = SimpleNamespace(
        register_conditions=hookimpl(lambda register: register("not a condition"))
    )
    with pytest.raises(PluginValidationError, match="register\\(\\) takes a Condition, got str"):
        make_orchestrator(broken)
    orch = make_orchestrator(broken, strict=False)
    assert len(orch.plugin_problems) == 1


def test_make_orchestrator_applies_config_plugins_table() -> None:
    """The config's [plugins] table applies on top (here: disabling a built-in)."""
    orch = make_orchestrator(config={"plugins": {"disable": ["conditions"]}})
    assert "size_over" not in orch.registry.conditions


def test_hook_recorder_records_calls_in_call_order() -> None:
    """The recorder sees each hook call with its arguments, implementations and result."""
    orch = make_orchestrator(Shouter(), Quiet(), builtins=False)
    profile = orchestrion.profile_of("hi")
    with HookRecorder(orch) as recorder:
        answers = orch.plugins.pm.hook.analyze_requirements(
            data="hi", profile=profile, config=orch.config
        )
    assert answers == [["shout.upper"]]
    call = recorder.get_call("analyze_requirements")
    assert call.plugins == ("Quiet", "shouter")
    assert call.kwargs == {"data": "hi", "profile": profile, "config": orch.config}
    assert call.result == [["shout.upper"]]
    assert call.exception is None
    # Closed: later calls are not recorded.
    orch.plugins.pm.hook.analyze_requirements(data="hi", profile=profile, config=orch.config)
    assert len(recorder.calls) == 1


def test_hook_recorder_sees_one_implementation_at_a_time_calls() -> None:
    """Hooks the core calls implementation by implementation are recorded per call."""
    orch = make_orchestrator(Shouter(), Quiet(), builtins=False)
    recorder = HookRecorder(orch)
    answers = orch.plugins.call_each("analyze_requirements", data=1, profile=None)
    assert answers == [("Quiet", None), ("shouter", None)]
    assert [c.plugins for c in recorder.calls_of("analyze_requirements")] == [
        ("Quiet",),
        ("shouter",),
    ]
    recorder.clear()
    assert recorder.calls == []
    with pytest.raises(AssertionError, match="expected one call of 'provide_fallback', got 0"):
        recorder.get_call("provide_fallback")
    recorder.close()


def test_step_context_for_direct_component_calls() -> None:
    """make_step_context builds the context a component's process() receives."""
    ctx = make_step_context("shout.upper", item=3)
    assert ctx.info.idempotency_key == "test-run:step:3"
    assert ctx.attempt == 1
    assert Shouter.Upper().process("hey", ctx) == "HEY"


def test_write_distribution_creates_real_entry_points(tmp_path: Path) -> None:
    """A written distribution is found by importlib.metadata once on the path."""
    folder = write_distribution(
        tmp_path, "orchestrion-fake", version="0.7", entry_points={"fake": "fake_mod:plugin"}
    )
    (dist,) = metadata.distributions(path=[str(folder)])
    assert dist.metadata["Name"] == "orchestrion-fake"
    assert dist.version == "0.7"
    (ep,) = dist.entry_points.select(group="orchestrion")
    assert (ep.name, ep.value) == ("fake", "fake_mod:plugin")
    second = write_distribution(tmp_path, "orchestrion-fake", version="0.7")
    assert second != folder


def test_factory_fixture(orchestrion_factory: Callable[..., orchestrion.Orchestrator]) -> None:
    """orchestrion_factory builds orchestrators like make_orchestrator."""
    orch = orchestrion_factory(Shouter())
    assert "shout.upper" in orch.registry.components


def test_hook_recorder_fixture(
    orchestrion_factory: Callable[..., orchestrion.Orchestrator],
    hook_recorder: Callable[[Any], HookRecorder],
) -> None:
    """hook_recorder attaches a recorder to an orchestrator."""
    orch = orchestrion_factory(Shouter())
    recorder = hook_recorder(orch)
    orch.plugins.pm.hook.analyze_requirements(
        data="x", profile=orchestrion.profile_of("x"), config=orch.config
    )
    assert recorder.get_call("analyze_requirements").result == [["shout.upper"]]


def test_distribution_fixture_installs_for_the_test(orchestrion_distribution: Install) -> None:
    """orchestrion_distribution puts a distribution on sys.path for this test."""
    orchestrion_distribution(
        "fixture-dist",
        entry_points={"fixturep": "fixture_plugin"},
        files={
            "fixture_plugin.py": """
            from orchestrion import Condition, hookimpl

            @hookimpl
            def register_conditions(register):
                register(Condition(name="fixturep.yes", check=lambda d, p, o: True))
            """
        },
    )
    orch = make_orchestrator(installed=["fixturep"])
    assert orch.registry.conditions.owner("fixturep.yes") == "fixturep"


def test_conditions_can_be_unit_tested() -> None:
    """A registered condition can be checked directly with a profile."""
    orch = make_orchestrator()
    condition: Condition[Any] = orch.registry.conditions.require("size_over")
    params = condition.params(bytes=2)
    assert condition.check("hello", orchestrion.profile_of("hello"), params)


class _DocOptions(BaseModel):
    """Options for the docs-table tests."""

    mode: Literal["fast", "slow"] = Field(default="fast", description="How | to run.")
    names: list[str] = Field(default_factory=list, description="Names.")
    limits: dict[str, int] = Field(default_factory=dict, description="Limits.")
    size: int = Field(description="Required size.")


_DOC_TABLE = (
    "| option | type | default | description |\n"
    "| --- | --- | --- | --- |\n"
    '| `mode` | `"fast"` \\| `"slow"` | `"fast"` | How \\| to run. |\n'
    "| `names` | list of string | `[]` | Names. |\n"
    "| `limits` | table of integer | `{}` | Limits. |\n"
    "| `size` | integer | required | Required size. |\n"
)


def _doc_page(tmp_path: Path, body: str) -> Path:
    page = tmp_path / "page.md"
    page.write_text(f"# Page\n\n<!-- options: Opts -->\n{body}<!-- /options -->\n")
    return page


def test_options_table_renders_one_row_per_field() -> None:
    """options_table lists each field's name, type, default and escaped description."""
    assert options_table(_DocOptions) == _DOC_TABLE
    plain = options_table(_DocOptions, tables=False)
    assert "| `limits` | object | `{}` | Limits. |" in plain


def test_check_options_tables_accepts_a_fresh_page(tmp_path: Path) -> None:
    """A page whose blocks are what the models render passes."""
    check_options_tables(_doc_page(tmp_path, _DOC_TABLE), {"Opts": _DocOptions})


def test_check_options_tables_rejects_stale_and_missing_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stale block or a model without a block is an AssertionError naming the page."""
    monkeypatch.delenv("ORCHESTRION_UPDATE_DOCS", raising=False)
    page = _doc_page(tmp_path, "| old |\n")
    with pytest.raises(AssertionError, match=r"page\.md: options tables are stale"):
        check_options_tables(page, {"Opts": _DocOptions})
    with pytest.raises(AssertionError, match=r"missing \['Other'\]"):
        check_options_tables(page, {"Opts": _DocOptions, "Other": _DocOptions})


def test_check_options_tables_regenerates_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ORCHESTRION_UPDATE_DOCS=1 a stale page is rewritten and the test skipped."""
    monkeypatch.setenv("ORCHESTRION_UPDATE_DOCS", "1")
    page = _doc_page(tmp_path, "| old |\n")
    with pytest.raises(pytest.skip.Exception):
        check_options_tables(page, {"Opts": _DocOptions})
    assert page.read_text() == f"# Page\n\n<!-- options: Opts -->\n{_DOC_TABLE}<!-- /options -->\n"
    check_options_tables(page, {"Opts": _DocOptions})


def test_check_options_tables_skips_an_absent_page(tmp_path: Path) -> None:
    """A page that is not in the checkout skips the test instead of failing."""
    with pytest.raises(pytest.skip.Exception):
        check_options_tables(tmp_path / "absent.md", {"Opts": _DocOptions})
