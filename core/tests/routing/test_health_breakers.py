"""Health-aware choice follows circuit breakers: skip open ones, come back after."""

from __future__ import annotations

from routing_kit import Plug, component, rules_config

from orchestrion import BreakerRegistry, Orchestrator, PluginSelection


class Clock:
    """A hand-driven monotonic clock for breakers."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def setup(strategy: str = "first") -> tuple[Orchestrator, BreakerRegistry, Clock]:
    """Providers primary and backup of 'cap.parse', a rule asking for it, and breakers."""
    plugin = Plug(
        "p",
        components=[
            component("p.primary", capabilities=["cap.parse"]),
            component("p.backup", capabilities=["cap.parse"]),
        ],
    )
    clock = Clock()
    orch = Orchestrator(
        plugins=[plugin],
        config=rules_config(
            {"name": "r", "when": "is_text", "route": ["cap.parse"]}, strategy=strategy
        ),
        selection=PluginSelection(autoload=False),
        breakers=BreakerRegistry(clock=clock),
    )
    return orch, orch.breakers, clock


def test_switches_provider_when_a_breaker_opens_and_back_when_it_closes() -> None:
    """An open breaker removes its provider from the choice until the breaker closes."""
    orch, breakers, _ = setup()
    assert orch.plan("x").types == ("p.primary",)
    breakers.get("p.primary").force_open()
    opened = orch.plan("x")
    assert opened.types == ("p.backup",)
    assert opened.cached is False
    skipped = {c.component: c for c in opened.explanation.choices[0].candidates}
    assert (skipped["p.primary"].breaker, skipped["p.primary"].skipped) == ("open", "breaker open")
    breakers.get("p.primary").reset()
    assert orch.plan("x").types == ("p.primary",)


def test_breaker_changes_invalidate_cached_choices() -> None:
    """A cached choice is dropped when a provider's breaker state changes."""
    orch, breakers, _ = setup()
    orch.plan("x")
    assert orch.plan("x").cached
    breakers.get("p.backup").force_open()
    assert orch.plan("x").cached is False
    assert orch.routing.cache_info().invalidations["health"] == 1
    assert orch.plan("x").cached


def test_an_open_breaker_whose_wait_is_over_is_tried_again() -> None:
    """After the open period the provider is offered again (half-open: a trial call)."""
    orch, breakers, clock = setup()
    breaker = breakers.get("p.primary")
    for _ in range(breaker.policy.minimum_calls):
        permit = breaker.acquire()
        breaker.on_result(permit, RuntimeError("down"))
    assert breaker.state.value == "open"
    assert orch.plan("x").types == ("p.backup",)
    clock.now += 3600
    route = orch.plan("x")
    assert route.types == ("p.backup",)  # closed providers still rank before half-open ones
    primary = next(c for c in route.explanation.choices[0].candidates if c.component == "p.primary")
    assert (primary.breaker, primary.skipped) == ("half_open", None)
    breakers.get("p.backup").force_open()
    assert orch.plan("x").types == ("p.primary",)


def test_when_every_breaker_is_open_the_best_is_still_chosen_and_explained() -> None:
    """With all providers open the route still names one, and says why."""
    orch, breakers, _ = setup()
    breakers.get("p.primary").force_open()
    breakers.get("p.backup").force_open()
    route = orch.plan("x")
    assert route.types == ("p.primary",)
    assert "every provider's breaker is open" in route.explanation.choices[0].why
