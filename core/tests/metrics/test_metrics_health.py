"""Orchestrator.health(): health checks, breakers, last errors, and the
router skipping unhealthy providers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from metrics_kit import Checked, one_step, orchestrator

from orchestrion.testing import set_testing

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def instant() -> Iterator[None]:
    """Retry waits take no time."""
    with set_testing(True):
        yield


async def test_every_registered_type_is_reported() -> None:
    """The report lists every component type with the plugin that registered it."""
    async with orchestrator() as orch:
        report = await orch.health()
    assert {"m.ok", "m.checked", "m.sick", "m.needs"} <= set(report.components)
    assert report.components["m.ok"].plugin == "parts"
    assert report.components["m.ok"].breaker == "none"


async def test_without_instances_nothing_is_checked() -> None:
    """By default only pooled instances are checked; others are 'not_checked'."""
    async with orchestrator() as orch:
        await orch.run(one_step("m.checked"), 1)
        await orch.run(one_step("m.ok"), 1)
        report = await orch.health()
    assert report.components["m.checked"].check.status == "healthy"
    assert report.components["m.sick"].check.status == "not_checked"
    assert report.components["m.ok"].check.status == "no_check"
    assert report.healthy


async def test_instantiate_checks_types_with_default_options() -> None:
    """instantiate=True makes one instance per type whose options have defaults."""
    async with orchestrator() as orch:
        report = await orch.health(instantiate=True)
    sick = report.components["m.sick"]
    assert (sick.check.status, sick.check.detail, sick.healthy) == (
        "unhealthy",
        "database unreachable",
        False,
    )
    raising = report.components["m.raising"].check
    assert (raising.status, raising.detail) == ("unhealthy", "OSError: socket closed")
    assert report.components["m.needs"].check.status == "not_checked"
    assert report.components["m.checked"].check.status == "healthy"
    assert not report.healthy


async def test_a_check_that_does_not_answer_in_time_is_unhealthy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A health check that never returns is cut off by the timeout and counts as unhealthy."""
    import anyio

    async def hang(self: Checked) -> bool:
        await anyio.sleep_forever()
        return True

    monkeypatch.setattr(Checked, "health", hang)
    async with orchestrator() as orch:
        report = await orch.health(instantiate=True, check_timeout=0.05)
    check = report.components["m.checked"].check
    assert (check.status, check.detail) == ("unhealthy", "health() gave no answer in 0.05 s")


async def test_open_breakers_and_last_errors_are_reported() -> None:
    """A forced-open breaker makes its type unhealthy; the last error has no payload."""
    async with orchestrator() as orch:
        await orch.run(one_step("m.down", retry={"attempts": 1}), "a-private-document-text")
        orch.breakers.get("m.ok").force_open()
        report = await orch.health()
    down = report.components["m.down"]
    assert down.last_error is not None
    assert down.last_error.type == "ConnectionError"
    assert down.last_error.step == "s"
    assert "a-private-document-text" not in down.last_error.message
    ok = report.components["m.ok"]
    assert (ok.breaker, ok.healthy) == ("forced_open", False)


async def test_unhealthy_providers_are_skipped_by_routing() -> None:
    """After a failed check, health-aware choice skips the provider until it is healthy."""
    rule = {"name": "all", "when": "is_text", "route": ["cap.check"]}
    config = {"plugins": {"autoload": False}, "routing": {"rules": [rule], "strategy": "first"}}
    async with orchestrator(config=config) as orch:
        # m.checked registers first, so "first" picks it while it is healthy.
        assert orch.plan("x").types == ("m.checked",)
        Checked.answer = "degraded: disk full"
        try:
            await orch.health(instantiate=True)
            route = orch.plan("x")
            assert route.types == ("m.spare",)
            skipped = {c.component: c.skipped for c in route.explanation.choices[0].candidates}
            assert skipped == {
                "m.checked": "unhealthy: degraded: disk full",
                "m.sick": "unhealthy: database unreachable",
                "m.spare": None,
            }
        finally:
            Checked.answer = True
        await orch.health(instantiate=True)
        assert orch.routing.health.unhealthy("m.checked") is None


async def test_a_recovered_provider_is_chosen_again() -> None:
    """A provider marked unhealthy is chosen again once a check finds it healthy."""
    rule = {"name": "all", "when": "is_text", "route": ["cap.check"]}
    config = {"plugins": {"autoload": False}, "routing": {"rules": [rule], "strategy": "first"}}
    async with orchestrator(config=config) as orch:
        orch.plan("x")
        orch.routing.health.mark("m.checked", False, "down")
        orch.routing.cache.clear("health")
        assert orch.plan("x").types == ("m.sick",)
        await orch.health(instantiate=True)  # m.checked is fine, m.sick is not
        assert orch.plan("x").types == ("m.checked",)
