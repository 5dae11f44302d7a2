"""The route cache: keyed by profile, bounded, invalidated by each trigger."""

from __future__ import annotations

from routing_kit import Plug, component, make_orch, rules_config

from orchestrion import ConditionRef, RoutingRule
from orchestrion._registry import Staging

TEXT_RULE = {"name": "text", "when": "is_text", "route": ["a.one"]}


def test_equal_profiles_hit_the_cache(basic: Plug) -> None:
    """Two different payloads with the same profile share one decision."""
    orch = make_orch(basic, config=rules_config(TEXT_RULE))
    first = orch.plan("hello")
    second = orch.plan("world")
    assert (first.cached, first.explanation.cache) == (False, "miss")
    assert (second.cached, second.explanation.cache) == (True, "hit")
    assert second.types == first.types
    info = orch.routing.cache_info()
    assert (info.hits, info.misses, info.size) == (1, 1, 1)


def test_different_profiles_miss(basic: Plug) -> None:
    """A different size, type or format is a different key."""
    orch = make_orch(basic, config=rules_config(TEXT_RULE))
    for data in ("hello", "hello!", b"hello", {"a": 1}, '{"a": 1}'):
        orch.plan(data)
    assert orch.routing.cache_info().hits == 0
    assert orch.routing.cache_info().misses == 5


def test_requirement_answers_are_cached_by_profile(basic: Plug) -> None:
    """Plugins are asked once per distinct profile, not once per item."""
    asker = Plug("asker", requires=["a.two"])
    orch = make_orch(basic, asker)
    for _ in range(5):
        assert orch.plan({"k": 1}).types == ("a.two",)
    assert asker.asked == 1


def test_decisions_that_read_the_data_are_not_cached(basic: Plug) -> None:
    """A rule evaluated with a data-reading condition makes the decision uncacheable."""
    config = rules_config(
        {
            "name": "ticket",
            "priority": 2,
            "route": ["a.one"],
            "when": {"condition": "field_equals", "path": "kind", "value": "ticket"},
        },
        {"name": "other", "priority": 1, "when": "is_mapping", "route": ["a.two"]},
    )
    orch = make_orch(basic, config=config)
    assert orch.plan({"kind": "ticket"}).rule == "ticket"
    route = orch.plan({"kind": "log__"})
    assert (route.rule, route.explanation.cache) == ("other", "uncacheable")
    assert orch.routing.cache_info().size == 0


def test_profile_only_rules_before_the_match_keep_it_cacheable(basic: Plug) -> None:
    """A data-reading rule ranked after the match is never evaluated, so caching stays on."""
    config = rules_config(
        {"name": "first", "priority": 2, "when": "is_mapping", "route": ["a.one"]},
        {
            "name": "second",
            "priority": 1,
            "route": ["a.two"],
            "when": {"condition": "has_field", "path": "x"},
        },
    )
    orch = make_orch(basic, config=config)
    orch.plan({"x": 1})
    assert orch.plan({"y": 1}).cached is False  # different keys: a different profile
    assert orch.plan({"x": 2}).cached is True


def test_cache_is_bounded_lru(basic: Plug) -> None:
    """Beyond cache_size entries the least recently used one is evicted."""
    orch = make_orch(basic, config=rules_config(TEXT_RULE, cache_size=2))
    orch.plan("a")
    orch.plan("bb")
    orch.plan("a")  # refreshes "a"
    orch.plan("ccc")  # evicts "bb"
    assert orch.plan("a").cached is True
    assert orch.plan("bb").cached is False
    info = orch.routing.cache_info()
    assert (info.size, info.maxsize) == (2, 2)
    assert info.evictions == 2


def test_cache_size_zero_disables_caching(basic: Plug) -> None:
    """With cache_size = 0 every decision is made afresh."""
    orch = make_orch(basic, config=rules_config(TEXT_RULE, cache_size=0))
    orch.plan("a")
    route = orch.plan("a")
    assert (route.cached, route.explanation.cache) == (False, "off")


def test_a_rule_change_invalidates(basic: Plug) -> None:
    """Adding a rule clears the cache, and the next decision sees the new rule."""
    orch = make_orch(basic, config=rules_config(TEXT_RULE))
    orch.plan("a")
    assert orch.plan("a").cached
    orch.routing.add_rule(
        RoutingRule(name="urgent", priority=9, when=ConditionRef("is_text"), route=("a.three",))
    )
    route = orch.plan("a")
    assert (route.cached, route.rule) == (False, "urgent")
    assert orch.routing.cache_info().invalidations["rules"] == 1


def test_a_plugin_set_change_invalidates(basic: Plug) -> None:
    """A change of the registry (a plugin registering more) clears the cache."""
    orch = make_orch(basic, config=rules_config(TEXT_RULE))
    orch.plan("a")
    staging = Staging("late")
    staging.items["rules"].append(
        RoutingRule(name="late", priority=5, when=ConditionRef("is_text"), route=("a.two",))
    )
    orch.registry.commit(staging)
    route = orch.plan("a")
    assert (route.cached, route.rule) == (False, "late")
    assert orch.routing.cache_info().invalidations["plugins"] == 1


def test_clear_cache_counts_a_manual_invalidation(basic: Plug) -> None:
    """clear_cache() forgets every decision."""
    orch = make_orch(basic, config=rules_config(TEXT_RULE))
    orch.plan("a")
    orch.routing.clear_cache()
    assert orch.plan("a").cached is False
    assert orch.routing.cache_info().invalidations["manual"] == 1


def test_cached_routes_keep_their_explanation(basic: Plug) -> None:
    """A hit carries the explanation recorded when the decision was made."""
    plugin = Plug("p", components=[component("p.x")])
    orch = make_orch(basic, plugin, config=rules_config(TEXT_RULE))
    miss = orch.plan("abc")
    hit = orch.plan("xyz")
    assert hit.explanation.rules == miss.explanation.rules
    assert hit.to_dict()["explanation"]["cache"] == "hit"
