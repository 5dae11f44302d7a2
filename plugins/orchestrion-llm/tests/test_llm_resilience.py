"""Agents under the core's resilience policies, against the fake server: retries
honour Retry-After, 4xx is tried once, a dead endpoint opens the breaker and the
fallback agent answers (the run is degraded).

These need the engine to apply step policies (issue: engine + resilience
integration). Until it does, they are skipped with that reason, found by a
probe, so they start running the moment it lands.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from llm_helpers import orchestrator_for

from orchestrion import ComponentType, StepContext, TransientError, hookimpl
from orchestrion.testing import make_orchestrator
from orchestrion_llm import LlmPlugin
from orchestrion_llm.testing import FakeChatServer, FakeReply

RETRY = {"attempts": 3, "wait_initial": 0.01, "wait_max": 2.0, "wait_jitter": 0}


class _FailsOnce:
    def __init__(self, options: Any) -> None:
        self.calls = 0

    async def process(self, data: Any, ctx: StepContext) -> str:
        self.calls += 1
        if self.calls == 1:
            msg = "first call fails"
            raise TransientError(msg)
        return "ok"


class _Probe:
    orchestrion_plugin_name = "probe"

    @hookimpl
    def register_components(self, register: Any) -> None:
        register(ComponentType(name="probe.flaky", factory=_FailsOnce))


@functools.cache
def engine_applies_policies() -> bool:
    """Whether a step's retry policy is applied by Orchestrator.run."""
    workflow = {
        "steps": {"s": {"component": "probe.flaky", "policy": {"retry": {"wait_initial": 0}}}}
    }
    with make_orchestrator(_Probe()) as orch:
        result = orch.run_sync(workflow)
    return result.status == "succeeded"


needs_policies = pytest.mark.skipif(
    "not engine_applies_policies()",
    reason="Orchestrator.run does not apply step policies yet (engine/resilience integration)",
)


def step(component: str = "llm.agent", **policy: Any) -> dict[str, Any]:
    """A one-step workflow with a policy."""
    return {"steps": {"ask": {"component": component, "policy": policy}}}


@needs_policies
@pytest.mark.anyio
async def test_429_is_retried_after_retry_after(fake_llm_server: FakeChatServer) -> None:
    """After a 429 with Retry-After: 0.4 the next attempt waits at least that long."""
    fake_llm_server.add(FakeReply.rate_limited(0.4), FakeReply.text("ok"))
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(step(retry=RETRY), "x")
    assert result.status == "succeeded"
    assert result.steps["ask"].attempts == 2
    first, second = fake_llm_server.requests
    assert 0.4 <= second.received_at - first.received_at < 2.0


@needs_policies
@pytest.mark.anyio
@pytest.mark.parametrize(
    "failure",
    [FakeReply.error(500), FakeReply.drop(), FakeReply.hang(30)],
    ids=["500", "drop", "hang"],
)
async def test_transient_failures_are_retried(
    fake_llm_server: FakeChatServer, failure: FakeReply
) -> None:
    """A 500, a dropped answer or a hang past the request timeout is retried."""
    fake_llm_server.add(failure, FakeReply.text("ok"))
    async with orchestrator_for(fake_llm_server, timeout=0.3) as orch:
        result = await orch.run(step(retry=RETRY), "x")
    assert result.status == "succeeded"
    assert result.output == "ok"
    assert result.steps["ask"].attempts == 2


@needs_policies
@pytest.mark.anyio
@pytest.mark.parametrize("status", [400, 401])
async def test_4xx_is_attempted_once(fake_llm_server: FakeChatServer, status: int) -> None:
    """A rejected request is never retried, whatever the retry policy."""
    fake_llm_server.add(FakeReply.error(status), FakeReply.text("never"))
    async with orchestrator_for(fake_llm_server) as orch:
        result = await orch.run(step(retry=RETRY), "x")
    assert result.status == "failed"
    assert result.steps["ask"].attempts == 1
    assert len(fake_llm_server.requests) == 1


@needs_policies
@pytest.mark.anyio
async def test_invalid_structured_output_is_not_retried(fake_llm_server: FakeChatServer) -> None:
    """AgentOutputError ends the step after its re-asks: transport retries do not repeat them."""
    fake_llm_server.add(*[FakeReply.text("nope")] * 6)
    async with orchestrator_for(fake_llm_server) as orch:
        workflow = step(retry=RETRY)
        workflow["steps"]["ask"]["options"] = {
            "output_model": "llm_models:Summary",
            "max_reasks": 1,
        }
        result = await orch.run(workflow, "x")
    assert result.steps["ask"].error is not None
    assert result.steps["ask"].error.type == "AgentOutputError"
    assert result.steps["ask"].attempts == 1
    assert len(fake_llm_server.requests) == 2


@needs_policies
@pytest.mark.anyio
async def test_dead_endpoint_opens_the_breaker_and_the_fallback_agent_answers() -> None:
    """With the primary endpoint failing, the backup agent answers (degraded); once the
    breaker opens, the primary is not called at all."""
    with FakeChatServer(handler=lambda request: FakeReply.error(503)) as dead:
        settings = {
            "endpoints": {
                "primary": dead.endpoint_settings(),
                "backup": {"provider": "scripted", "default": "from the backup"},
            },
            "agents": {
                "main": {"endpoint": "primary", "capabilities": ["text.answer"]},
                "spare": {"endpoint": "backup", "capabilities": ["text.answer"]},
            },
        }
        policy = {
            "retry": {"attempts": 1},
            "breaker": {"window": 2, "minimum_calls": 2, "failure_rate": 50, "open_duration": 60},
            "fallback": {"components": ["llm.spare"]},
        }
        async with make_orchestrator(LlmPlugin(settings)) as orch:
            results = [await orch.run(step("llm.main", **policy), "x") for _ in range(4)]
        calls = len(dead.requests)
    assert [r.status for r in results] == ["degraded"] * 4
    assert all(r.output == "from the backup" for r in results)
    assert all(r.steps["ask"].status == "degraded" for r in results)
    assert calls == 2
