"""Step policies are checked when a workflow is validated, before anything runs,
with the step and key path in the error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orchestrion import ComponentType, ConfigError, Orchestrator, StepContext, hookimpl


class Shapes:
    """Test plugin: ``v.one`` emits one output, ``v.many`` many."""

    orchestrion_plugin_name = "shapes"

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """The ``v.*`` component types."""

        class One:
            async def process(self, data: Any, ctx: StepContext) -> Any:
                return data

        register(ComponentType(name="v.one", factory=lambda _o: One()))
        register(ComponentType(name="v.backup", factory=lambda _o: One()))
        register(ComponentType(name="v.many", factory=lambda _o: One(), emits="many"))


def validate(**policy: Any) -> None:
    """Validate a one-step workflow of ``v.one`` with ``policy``."""
    orch = Orchestrator(plugins=[Shapes()], config={"plugins": {"autoload": False}}, env={})
    orch.validate({"name": "p", "steps": {"fetch": {"component": "v.one", "policy": policy}}})


def test_unknown_fallback_component_names_step_and_key() -> None:
    """An unknown alternative type is a ConfigError at steps.X.policy.fallback.components."""
    with pytest.raises(ConfigError, match=r"did you mean 'v\.backup'") as info:
        validate(fallback={"components": ["v.backkup"]})
    assert info.value.key == "steps.fetch.policy.fallback.components"


def test_fallback_of_another_shape_is_rejected() -> None:
    """An alternative that emits many cannot stand in for a step that emits one."""
    with pytest.raises(ConfigError, match="emits many") as info:
        validate(fallback={"components": ["v.many"]})
    assert info.value.key == "steps.fetch.policy.fallback.components"


def test_unresolvable_retry_on_names_the_key() -> None:
    """A retry_on name that is not an exception type is reported under the step."""
    with pytest.raises(ConfigError, match="not an exception type") as info:
        validate(retry={"retry_on": ["json.dumps"]})
    assert info.value.key == "steps.fetch.policy.retry.retry_on"


def test_known_fallback_validates() -> None:
    """A workflow whose alternative exists and has the same shape validates."""
    validate(fallback={"components": ["v.backup"]})
