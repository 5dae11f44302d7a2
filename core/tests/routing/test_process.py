"""Orchestrator.process: plan, assemble the route into a workflow, run it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field
from routing_kit import Plug, component, make_orch, rules_config

from orchestrion import ComponentType, ConfigError, StepContext
from orchestrion._routing._assemble import assemble

pytestmark = pytest.mark.anyio


class PrefixOptions(BaseModel):
    """Options of the test prefixer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    prefix: str = Field(default=">", description="Put before the text.")
    times: int = Field(default=1, ge=1, description="How often.")


class Prefixer:
    """Prefix text."""

    def __init__(self, options: PrefixOptions) -> None:
        self.options = options

    def process(self, data: Any, ctx: StepContext) -> str:
        """Return the prefixed text."""
        return self.options.prefix * self.options.times + str(data)


class Splitter:
    """Split text into words (many outputs)."""

    def process(self, data: Any, ctx: StepContext) -> Iterator[str]:
        """Yield each word."""
        yield from str(data).split()


PREFIX = ComponentType(
    name="x.prefix",
    factory=Prefixer,
    options=PrefixOptions,
    description="prefix",
    capabilities=frozenset({"x.decorate"}),
)
SPLIT: ComponentType[Any] = ComponentType(
    name="x.split", factory=lambda o: Splitter(), emits="many", description="split"
)


def plugin(**kw: Any) -> Plug:
    """The test components plus whatever else is given."""
    return Plug("x", components=[PREFIX, SPLIT, component("x.tag")], **kw)


async def test_process_runs_the_rule_route_with_config_options() -> None:
    """Options come from [components."<type>"]."""
    config = {
        **rules_config({"name": "r", "when": "is_text", "route": ["x.prefix"]}),
        "components": {"x.prefix": {"prefix": "#", "times": 2}},
    }
    async with make_orch(plugin(), config=config) as orch:
        result = await orch.process("hi")
    assert result.status == "succeeded"
    assert result.output == "##hi"


async def test_requirements_argument_overrides_config_key_by_key() -> None:
    """process(requirements=...) overrides single options, by type or by capability."""
    config = {
        **rules_config({"name": "r", "when": "is_text", "route": ["x.decorate"]}),
        "components": {"x.prefix": {"prefix": "#", "times": 2}},
    }
    async with make_orch(plugin(), config=config) as orch:
        by_type = await orch.process("hi", {"x.prefix": {"prefix": "-"}})
        by_capability = await orch.process("hi", {"x.decorate": {"times": 3}})
    assert (by_type.output, by_capability.output) == ("--hi", "###hi")


async def test_bad_options_name_the_config_key() -> None:
    """Options that do not validate are a ConfigError naming the key, before running."""
    config = {
        **rules_config({"name": "r", "when": "is_text", "route": ["x.prefix"]}),
        "components": {"x.prefix": {"times": 0}},
    }
    async with make_orch(plugin(), config=config) as orch:
        with pytest.raises(ConfigError, match=r'components\."x\.prefix"\.times: bad options'):
            await orch.process("hi")
        with pytest.raises(ConfigError, match=r"<requirements>: \"x\.prefix\"\.colour"):
            await orch.process("hi", {"x.prefix": {"colour": "red", "times": 1}})


async def test_requirements_naming_unknown_types_are_rejected() -> None:
    """A typo in the requirements argument is a ConfigError, not silently ignored."""
    config = rules_config({"name": "r", "when": "is_text", "route": ["x.prefix"]})
    async with make_orch(plugin(), config=config) as orch:
        with pytest.raises(ConfigError, match=r"'x\.prefx'"):
            await orch.process("hi", {"x.prefx": {}})


async def test_branches_run_as_a_dag() -> None:
    """Requirement routes with independent types run as parallel branches of one DAG."""
    types = Plug(
        "t",
        components=[
            component("t.parse"),
            component("t.left", after=["t.parse"]),
            component("t.right", after=["t.parse"]),
        ],
    )
    asker = Plug("ask", requires=["t.right", "t.left", "t.parse"])
    async with make_orch(types, asker) as orch:
        route = orch.plan("in")
        workflow = assemble(route, orch.registry, orch.config)
        result = await orch.process("in", route=route)
    assert workflow.steps["t_left"].depends_on == ("t_parse",)
    assert workflow.steps["t_right"].depends_on == ("t_parse",)
    assert result.output == {
        "t_left": ["in", "t.parse", "t.left"],
        "t_right": ["in", "t.parse", "t.right"],
    }


async def test_steps_after_a_many_emitter_fan_out() -> None:
    """A step after a type that emits many items runs once per item."""
    config = rules_config({"name": "r", "when": "is_text", "route": ["x.split", "x.prefix"]})
    async with make_orch(plugin(), config=config) as orch:
        route = orch.plan("a b c")
        workflow = assemble(route, orch.registry, orch.config)
        result = await orch.process("a b c", route=route)
    assert workflow.steps["x_prefix"].for_each == "x_split"
    assert result.output == [">a", ">b", ">c"]


async def test_an_empty_route_is_a_config_error() -> None:
    """With nothing to run, process says how to give the data a route."""
    async with make_orch(plugin()) as orch:
        with pytest.raises(ConfigError, match=r"nothing to run.*routing\.default"):
            await orch.process(12)


async def test_repeated_types_in_a_rule_route_get_distinct_steps() -> None:
    """A rule may use a type twice; each use is its own step."""
    config = rules_config(
        {"name": "r", "when": "is_text", "route": ["x.prefix", "x.tag", "x.prefix"]}
    )
    async with make_orch(plugin(), config=config) as orch:
        route = orch.plan("a")
        result = await orch.process("a", route=route)
    assert [s.id for s in route.steps] == ["x_prefix", "x_tag", "x_prefix-2"]
    assert result.output == ">" + str([">a", "x.tag"])
