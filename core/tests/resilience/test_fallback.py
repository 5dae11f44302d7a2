"""The fallback chain: alternative types, then provide_fallback, then failure."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrion import (
    FallbackPolicy,
    PermanentError,
    PluginSelection,
    Policy,
    RetryPolicy,
    StepInfo,
    hookimpl,
)
from orchestrion._plugins._manager import PluginSet
from orchestrion._resilience import PolicyRunner

from ._helpers import Flaky, step_info

pytestmark = pytest.mark.anyio


class Answer:
    """A provide_fallback plugin answering ``value`` (awaitable if ``is_async``)."""

    def __init__(
        self,
        value: Any,
        *,
        is_async: bool = False,
        log: list[str] | None = None,
        name: str = "answer",
    ):
        self.orchestrion_plugin_name = name
        self.value = value
        self.is_async = is_async
        self.log = log if log is not None else []

    @hookimpl
    def provide_fallback(self, step: StepInfo, data: Any, error: BaseException) -> Any:
        self.log.append(f"{step.step}:{type(error).__name__}:{data}")
        if self.is_async:

            async def later() -> Any:
                return self.value

            return later()
        return self.value


def plugin_set(*plugins: object) -> PluginSet:
    """A plugin set holding only ``plugins`` (and the built-ins)."""
    return PluginSet(PluginSelection(), in_process=plugins, entry_points=[])


def runner(*alternatives: str, plugins: bool = True) -> PolicyRunner:
    """A single-attempt runner with the given fallback chain."""
    policy = Policy(
        retry=RetryPolicy(attempts=1),
        fallback=FallbackPolicy(components=alternatives, plugins=plugins),
    )
    return PolicyRunner(policy, component="svc")


async def test_alternative_component_serves_a_degraded_result() -> None:
    """After failure the first alternative that succeeds produces a degraded result."""
    tried: list[str] = []

    async def alternative(name: str) -> str:
        tried.append(name)
        if name == "first":
            raise ConnectionError("also down")
        return f"from {name}"

    outcome = await runner("first", "second").run(
        Flaky(ConnectionError("down")), step=step_info(), alternative=alternative
    )
    assert (outcome.status, outcome.value, outcome.fallback) == (
        "degraded",
        "from second",
        "component:second",
    )
    assert outcome.degraded
    assert tried == ["first", "second"]
    assert str(outcome.error) == "down"
    assert [(r.component, r.fallback) for r in outcome.failures] == [
        ("svc", None),
        ("first", "component:first"),
    ]


async def test_plugins_are_asked_after_alternatives_in_order() -> None:
    """provide_fallback is asked one plugin at a time; the first non-None answer wins."""
    log: list[str] = []
    passing, answering, never = (
        Answer(None, log=log, name="passing"),
        Answer("B", log=log, name="answering"),
        Answer("C", name="never"),
    )
    plugins = plugin_set(never, answering, passing)  # last registered is called first
    outcome = await runner().run(
        Flaky(ValueError("bad")), step=step_info(), data=7, plugins=plugins
    )
    assert (outcome.status, outcome.value) == ("degraded", "B")
    assert outcome.fallback == "plugin:answering"
    assert log == ["fetch:ValueError:7", "fetch:ValueError:7"]
    assert never.log == []


async def test_awaitable_answers_are_awaited() -> None:
    """An async provide_fallback answer is awaited before it is judged."""
    plugins = plugin_set(Answer("async answer", is_async=True))
    outcome = await runner().run(Flaky(ValueError("bad")), step=step_info(), plugins=plugins)
    assert outcome.value == "async answer"


async def test_awaitable_none_passes_to_the_next_plugin() -> None:
    """An async answer of None counts as no answer."""
    plugins = plugin_set(Answer("sync answer", name="a"), Answer(None, is_async=True, name="b"))
    outcome = await runner().run(Flaky(ValueError("bad")), step=step_info(), plugins=plugins)
    assert outcome.value == "sync answer"


async def test_a_failing_plugin_is_recorded_and_skipped() -> None:
    """A provide_fallback that raises is recorded as a failed fallback; the next is asked."""

    class Broken:
        @hookimpl
        def provide_fallback(self, step: StepInfo, data: Any, error: BaseException) -> Any:
            raise RuntimeError("plugin bug")

    plugins = plugin_set(Answer("fine"), Broken())
    outcome = await runner().run(Flaky(ValueError("bad")), step=step_info(), plugins=plugins)
    assert outcome.value == "fine"
    assert outcome.failures[-1].error_type == "RuntimeError"
    assert outcome.failures[-1].fallback == "plugin:Broken"


async def test_no_fallback_means_failure_with_the_original_error() -> None:
    """Without any answer the step fails with its own error, not a fallback's."""
    plugins = plugin_set(Answer(None))
    outcome = await runner().run(
        Flaky(PermanentError("bad input")), step=step_info(), plugins=plugins
    )
    assert (outcome.status, outcome.fallback) == ("failed", None)
    assert isinstance(outcome.error, PermanentError)


async def test_plugins_can_be_switched_off() -> None:
    """fallback.plugins=false never asks provide_fallback."""
    answer = Answer("unused")
    outcome = await runner(plugins=False).run(
        Flaky(ValueError("bad")), step=step_info(), plugins=plugin_set(answer)
    )
    assert outcome.status == "failed"
    assert answer.log == []
