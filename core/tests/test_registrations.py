"""Registration objects validate themselves, so a plugin that builds a bad one
fails inside its own hook, where it can be named."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from orchestrion import (
    ComponentType,
    Condition,
    ConditionRef,
    EventHandler,
    ExecutorType,
    NoOptions,
    RoutingRule,
    StateStoreType,
)


class Options(BaseModel):
    """Some options."""

    size: int = 1


async def handle(event: Any) -> None:
    """An event handler that does nothing."""


def build(options: NoOptions) -> object:
    """A component factory."""
    return object()


@pytest.mark.parametrize("name", ["json.parse", "size_over", "a.b_c.d-e", "x1"])
def test_valid_names(name: str) -> None:
    """Dotted lower-case names are accepted."""
    assert ComponentType(name=name, factory=build).name == name


@pytest.mark.parametrize("name", ["", "Json", "1abc", "a..b", "a.", "has space", "a-b"])
def test_invalid_names(name: str) -> None:
    """Anything else is rejected with a message that shows the expected form."""
    with pytest.raises(ValueError, match="is not a dotted lower-case name"):
        ComponentType(name=name, factory=build)


def test_component_type_defaults_and_normalisation() -> None:
    """Collections are normalised to immutable types and options default to NoOptions."""
    component: ComponentType[Any] = ComponentType(
        name="x.y",
        factory=build,
        capabilities={"c"},  # type: ignore[arg-type]
        after=["a.b"],  # type: ignore[arg-type]
    )
    assert component.options is NoOptions
    assert component.capabilities == frozenset({"c"})
    assert component.after == ("a.b",)
    assert component.emits == "one"


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"factory": 3}, TypeError, "factory must be callable, got int"),
        ({"factory": dict, "options": dict}, TypeError, "must be a pydantic BaseModel subclass"),
        ({"factory": dict, "emits": "some"}, ValueError, "emits must be 'one' or 'many'"),
        ({"factory": dict, "after": ("x.y",)}, ValueError, "relative to itself"),
        ({"factory": dict, "before": ("Bad",)}, ValueError, "ordering hint name 'Bad'"),
    ],
)
def test_component_type_rejects(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    """Bad factories, options, emits and ordering hints are rejected."""
    with pytest.raises(error, match=message):
        ComponentType(name="x.y", **kwargs)


def test_condition_and_ref() -> None:
    """Conditions need a callable check; references validate the name."""
    condition: Condition[Options] = Condition(
        name="big", check=lambda d, p, o: True, params=Options
    )
    assert condition.params is Options
    with pytest.raises(TypeError, match="check must be callable"):
        Condition(name="big", check=None)  # type: ignore[arg-type]
    assert ConditionRef("size_over", {"bytes": 3}).params == {"bytes": 3}
    with pytest.raises(ValueError, match="not a dotted lower-case name"):
        ConditionRef("Size")


def test_routing_rule() -> None:
    """Rules need a ConditionRef and a non-empty route of valid names."""
    rule = RoutingRule(name="r", when=ConditionRef("is_text"), route=["a.b"])  # type: ignore[arg-type]
    assert rule.route == ("a.b",)
    with pytest.raises(TypeError, match="when must be a ConditionRef, got str"):
        RoutingRule(name="r", when="is_text", route=("a.b",))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="route must name at least one"):
        RoutingRule(name="r", when=ConditionRef("is_text"), route=())


def test_event_handler() -> None:
    """Handlers need event types, a callable and non-negative retries."""
    handler = EventHandler(name="h", types=["run.*"], handler=handle)  # type: ignore[arg-type]
    assert handler.types == ("run.*",)
    with pytest.raises(ValueError, match="types must name at least one"):
        EventHandler(name="h", types=(), handler=handle)
    with pytest.raises(ValueError, match="retries must be >= 0"):
        EventHandler(name="h", types=("x",), handler=handle, retries=-1)


def test_backends() -> None:
    """Executors and state stores need a callable factory and a model for options."""
    assert ExecutorType(name="local", factory=dict, options=Options).options is Options
    with pytest.raises(TypeError, match="state store 's': factory must be callable"):
        StateStoreType(name="s", factory="nope")  # type: ignore[arg-type]
