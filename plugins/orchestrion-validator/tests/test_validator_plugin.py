"""The validator distribution as installed: its two plugins, hints and requirement."""

from __future__ import annotations

import pytest

from orchestrion import Orchestrator, StepContext, profile_of
from orchestrion.exceptions import ValidationFailed
from orchestrion.testing import make_orchestrator


def make(*enable: str) -> Orchestrator:
    """An orchestrator loading only the named installed plugins (and the built-ins)."""
    return make_orchestrator(installed=enable)


def required_by_validator(orch: Orchestrator, data: object) -> list[str]:
    """What the validator distribution's plugins answer to analyze_requirements."""
    answers = orch.plugins.call_each("analyze_requirements", data=data, profile=profile_of(data))
    return [n for plugin, names in answers if plugin.startswith("validator") for n in names or ()]


def test_registers_both_component_types() -> None:
    """The 'validator' entry point registers validator.schema and validator.model."""
    orch = make("validator")
    assert orch.registry.owned_by("validator") == {
        "components": ["validator.model", "validator.schema"]
    }


def test_validation_is_ordered_after_producers_and_before_dump() -> None:
    """Validator types run after parsing, chunking and extraction, and before json.dump."""
    orch = make("validator")
    for name in ("validator.schema", "validator.model"):
        kind = orch.registry.components.require(name)
        assert {"json.parse", "json.lines", "chunking.split", "numeric.extract"} <= set(kind.after)
        assert kind.before == ("json.dump",)


@pytest.mark.parametrize("data", ['{"a": 1}', b"raw", {"a": 1}, "plain prose", [1, 2]])
def test_validation_is_always_required(data: object) -> None:
    """With the whole distribution installed, every input requires validator.schema."""
    assert required_by_validator(make("orchestrion-validator"), data) == ["validator.schema"]


def test_requirement_can_be_switched_off_in_config() -> None:
    """Disabling 'validator-required' in config drops the requirement but keeps the types."""
    config = {"plugins": {"enable": ["orchestrion-validator"], "disable": ["validator-required"]}}
    orch = Orchestrator(config=config, env={})
    assert required_by_validator(orch, '{"a": 1}') == []
    assert "validator.schema" in orch.registry.components
    assert orch.plugins.records["validator-required"].status == "blocked"


def test_default_options_build_a_working_component(ctx: StepContext) -> None:
    """The routed default (no schema) passes JSON values and refuses what JSON cannot hold."""
    orch = make("validator")
    kind = orch.registry.components.require("validator.schema")
    component = kind.factory(kind.options())
    assert component.process({"a": [1, None]}, ctx) == {"a": [1, None]}
    with pytest.raises(ValidationFailed, match="/a/0: NaN"):
        component.process({"a": [float("nan")]}, ctx)
