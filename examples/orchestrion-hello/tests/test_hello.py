"""The hello plugin, loaded in process with the testing kit: what it
registers and how it behaves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pydantic
import pytest

import orchestrion
import orchestrion_hello
from orchestrion import Orchestrator
from orchestrion.testing import make_step_context, profile_of


@pytest.fixture
def orch(orchestrion_factory: Callable[..., Orchestrator]) -> Orchestrator:
    """An orchestrator with the built-ins and the hello plugin only (nothing
    autoloaded, the environment ignored, plugin problems fatal)."""
    return orchestrion_factory(orchestrion_hello)


async def _greet(orch: Orchestrator, data: Any, **options: Any) -> Any:
    component_type = orch.registry.components.require("hello.greet")
    component = component_type.factory(component_type.options.model_validate(options))
    return await component.process(data, make_step_context("hello.greet", step="greet"))


def test_registers_component_and_condition(orch: Orchestrator) -> None:
    """Loading the plugin registers hello.greet and hello.is_greeting under its name."""
    assert orch.plugin_problems == []
    assert orch.registry.components.owner("hello.greet") == "orchestrion_hello"
    assert orch.registry.conditions.owner("hello.is_greeting") == "orchestrion_hello"
    assert orch.registry.components.require("hello.greet").options is orchestrion_hello.GreetOptions


@pytest.mark.anyio
async def test_greets_a_name_and_a_mapping(orch: Orchestrator) -> None:
    """A plain name and a mapping with a 'name' key are both greeted."""
    assert await _greet(orch, "Ada") == "Hello, Ada!"
    assert await _greet(orch, {"name": "Grace"}, greeting="Hi", punctuation=".") == "Hi, Grace."


@pytest.mark.anyio
async def test_shout_upper_cases(orch: Orchestrator) -> None:
    """The shout option upper-cases the whole greeting."""
    assert await _greet(orch, "Ada", shout=True) == "HELLO, ADA!"


@pytest.mark.anyio
async def test_data_without_a_name_is_a_permanent_error(orch: Orchestrator) -> None:
    """Input that holds no name fails permanently, naming the step and component."""
    with pytest.raises(orchestrion.PermanentError, match="takes a name") as info:
        await _greet(orch, [1, 2, 3])
    assert info.value.step == "greet"
    assert info.value.component == "hello.greet"


def test_loads_through_its_installed_entry_point(
    orchestrion_factory: Callable[..., Orchestrator],
) -> None:
    """Selected by its entry-point name, the installed plugin registers the same."""
    orch = orchestrion_factory(installed=["hello"])
    assert orch.registry.components.owner("hello.greet") == "hello"
    assert orch.registry.conditions.owner("hello.is_greeting") == "hello"


def test_options_are_strict() -> None:
    """Unknown or invalid options are rejected by the options model."""
    with pytest.raises(pydantic.ValidationError, match="greetng"):
        orchestrion_hello.GreetOptions.model_validate({"greetng": "Hi"})
    with pytest.raises(pydantic.ValidationError):
        orchestrion_hello.GreetOptions(greeting="")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Hello there", True),
        ("  hi, Ada", True),
        ("HEY!", True),
        ("Goodbye", False),
        ("", False),
        (b"hello", False),
        ({"text": "hello"}, False),
    ],
)
def test_is_greeting_default_words(orch: Orchestrator, data: object, expected: bool) -> None:
    """The condition holds for text that starts with a default greeting word."""
    condition = orch.registry.conditions.require("hello.is_greeting")
    params = condition.params.model_validate({})
    assert condition.check(data, profile_of(data), params) is expected


def test_is_greeting_custom_words(orch: Orchestrator) -> None:
    """The words parameter replaces the default greeting words."""
    condition = orch.registry.conditions.require("hello.is_greeting")
    params = condition.params.model_validate({"words": ["salut"]})
    assert condition.check("Salut tout le monde", profile_of("x"), params) is True
    assert condition.check("hello", profile_of("x"), params) is False
