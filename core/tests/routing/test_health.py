"""Health-aware choice among component types that provide the same capability."""

from __future__ import annotations

import pytest
from routing_kit import Plug, component, make_orch, rules_config

from orchestrion import Orchestrator
from orchestrion._routing._health import HealthBook


def providers(**routing: object) -> Orchestrator:
    """Two providers of 'cap.parse' (primary registered first) and a rule asking for it."""
    plugin = Plug(
        "p",
        components=[
            component("p.primary", capabilities=["cap.parse"]),
            component("p.backup", capabilities=["cap.parse"]),
        ],
    )
    config = rules_config({"name": "r", "when": "is_text", "route": ["cap.parse"]}, **routing)
    return make_orch(plugin, config=config)


@pytest.mark.parametrize("strategy", ["first", "fastest", "most_reliable"])
def test_equal_figures_tie_break_by_registration_order(strategy: str) -> None:
    """With no figures to tell them apart, every strategy takes the first registered."""
    route = providers(strategy=strategy).plan("x")
    assert route.types == ("p.primary",)
    assert [c.component for c in route.explanation.choices[0].candidates] == [
        "p.primary",
        "p.backup",
    ]


def test_most_reliable_prefers_the_higher_success_rate() -> None:
    """A provider that failed ranks below one that succeeded."""
    orch = providers(strategy="most_reliable")
    for _ in range(3):
        orch.routing.health.record("p.backup", False, 0.001)
        orch.routing.health.record("p.primary", True, 0.050)
    route = orch.plan("x")
    assert route.types == ("p.primary",)
    choice = route.explanation.choices[0]
    assert (choice.capability, choice.chosen, choice.strategy) == (
        "cap.parse",
        "p.primary",
        "most_reliable",
    )
    figures = {c.component: c for c in choice.candidates}
    assert figures["p.primary"].calls == 3
    assert figures["p.primary"].success_rate == pytest.approx(4 / 5)
    assert figures["p.backup"].success_rate == pytest.approx(1 / 5)
    assert "highest success rate" in choice.why


def test_fastest_prefers_the_lower_latency() -> None:
    """Under 'fastest' the lower EWMA latency wins even with a worse success rate."""
    orch = providers(strategy="fastest")
    orch.routing.health.record("p.primary", True, 0.200)
    orch.routing.health.record("p.backup", False, 0.002)
    route = orch.plan("x")
    assert route.types == ("p.backup",)
    candidate = {c.component: c for c in route.explanation.choices[0].candidates}
    assert candidate["p.backup"].latency_ms == pytest.approx(2.0)


def test_per_capability_strategy_overrides_the_default() -> None:
    """routing.strategies sets the strategy of one capability."""
    orch = providers(strategy="most_reliable", strategies={"cap.parse": "first"})
    assert orch.plan("x").explanation.choices[0].strategy == "first"


def test_ewma_follows_recent_latency() -> None:
    """The latency average moves a fifth of the way toward each new sample."""
    book = HealthBook()
    book.record("c", True, 1.0)
    book.record("c", True, 2.0)
    stats = book.stats("c")
    assert stats.latency == pytest.approx(1.2)
    assert (stats.calls, stats.failures, stats.successes) == (2, 0, 2)


def test_routes_processed_feed_the_health_book() -> None:
    """process() records each step's outcome and duration for later choices."""
    import anyio

    orch = providers(strategy="first")

    async def main() -> None:
        async with orch:
            result = await orch.process("hello")
            assert result.ok

    anyio.run(main)
    stats = orch.routing.health.stats("p.primary")
    assert stats.calls == 1
    assert stats.latency is not None
