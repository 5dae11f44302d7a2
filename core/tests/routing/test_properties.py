"""Property: the route follows the first matching rule, or else contains every
requirement exactly once in an order consistent with every hint."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from routing_kit import Plug, component, make_orch, rules_config

TYPES = [f"h.t{i}" for i in range(6)]

# A condition as config (the 'when' form) and a reference evaluator of it
# written independently of the router: len() instead of the profile.
leaf = st.one_of(
    st.integers(min_value=0, max_value=12).map(lambda n: {"condition": "size_over", "bytes": n}),
    st.integers(min_value=0, max_value=12).map(lambda n: {"condition": "size_under", "bytes": n}),
    st.sampled_from(["is_text", "is_bytes", "is_mapping", "is_sequence"]),
)
conditions = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"all": cs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"any": cs}),
        inner.map(lambda c: {"not": c}),
    ),
    max_leaves=6,
)


def holds(when: Any, data: Any) -> bool:
    """Reference semantics of the generated conditions."""
    if isinstance(when, str):
        return {
            "is_text": isinstance(data, str),
            "is_bytes": isinstance(data, bytes),
            "is_mapping": isinstance(data, dict),
            "is_sequence": isinstance(data, list),
        }[when]
    if "all" in when:
        return all(holds(c, data) for c in when["all"])
    if "any" in when:
        return any(holds(c, data) for c in when["any"])
    if "not" in when:
        return not holds(when["not"], data)
    if when["condition"] == "size_over":
        return len(data) > int(when["bytes"])
    return len(data) < int(when["bytes"])


rules = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from([f"r{i}" for i in range(8)]),
            "priority": st.integers(min_value=0, max_value=3),
            "when": conditions,
            "route": st.lists(st.sampled_from(TYPES), min_size=1, max_size=3),
        }
    ),
    max_size=5,
    unique_by=lambda r: r["name"],
)
# Hints only from a lower-numbered type to a higher one, so they never contradict.
hints = st.dictionaries(
    st.tuples(st.integers(0, 5), st.integers(0, 5)).filter(lambda p: p[0] < p[1]),
    st.sampled_from(["after", "before"]),
    max_size=8,
)
answers = st.lists(st.lists(st.sampled_from(TYPES), max_size=4), min_size=1, max_size=3)
data = st.one_of(
    st.text(max_size=15),
    st.binary(max_size=15),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=5),
    st.lists(st.integers(), max_size=15),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rules, hints=hints, answers=answers, data=data)
def test_route_is_first_match_or_ordered_union(
    rules: list[dict[str, Any]],
    hints: dict[tuple[int, int], str],
    answers: list[list[str]],
    data: Any,
) -> None:
    """For random rules, hints, requirements and data, the route obeys the contract."""
    after: dict[str, list[str]] = {t: [] for t in TYPES}
    before: dict[str, list[str]] = {t: [] for t in TYPES}
    must_precede: list[tuple[str, str]] = []
    for (i, j), how in hints.items():
        if how == "after":  # t_j declares it runs after t_i
            after[TYPES[j]].append(TYPES[i])
        else:  # t_i declares it runs before t_j
            before[TYPES[i]].append(TYPES[j])
        must_precede.append((TYPES[i], TYPES[j]))
    types = Plug(
        "types",
        components=[component(t, after=after[t], before=before[t]) for t in TYPES],
    )
    askers = [Plug(f"ask{i}", requires=list(a)) for i, a in enumerate(answers)]
    orch = make_orch(types, *askers, config=rules_config(*rules))

    route = orch.plan(data)

    ordered = sorted(rules, key=lambda r: (-r["priority"], r["name"]))
    expected = next((r for r in ordered if holds(r["when"], data)), None)
    if expected is not None:
        assert route.rule == expected["name"]
        assert list(route.types) == expected["route"]
        return
    required = {t for a in answers for t in a}
    assert route.rule is None
    assert sorted(route.types) == sorted(required)  # each exactly once, none dropped
    position = {t: i for i, t in enumerate(route.types)}
    for first, second in must_precede:
        if first in position and second in position:
            assert position[first] < position[second]
    # Every DAG edge points forward in the order, so the order is a valid schedule,
    # and every hint is enforced by a path of edges, so branches never break one.
    ids = {step.id: i for i, step in enumerate(route.steps)}
    assert all(ids[a] < ids[b] for a, b in route.edges)
    by_type = {step.component: step.id for step in route.steps}
    reach = {step.id: {step.id} for step in route.steps}
    for step in reversed(route.steps):
        for a, b in route.edges:
            if a == step.id:
                reach[a] |= reach[b]
    for first, second in must_precede:
        if first in by_type and second in by_type:
            assert by_type[second] in reach[by_type[first]]


any_hints = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5)).filter(lambda p: p[0] != p[1]),
    max_size=10,
)


def _has_cycle(nodes: set[str], edges: list[tuple[str, str]]) -> bool:
    """Whether the graph restricted to ``nodes`` has a cycle (reference DFS)."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        if a in nodes and b in nodes:
            succ[a].append(b)
    state: dict[str, int] = {}

    def visit(n: str) -> bool:
        state[n] = 1
        for m in succ[n]:
            if state.get(m) == 1 or (m not in state and visit(m)):
                return True
        state[n] = 2
        return False

    return any(n not in state and visit(n) for n in sorted(nodes))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=any_hints, required=st.lists(st.sampled_from(TYPES), min_size=1, max_size=6))
def test_contradicting_hints_are_reported_never_silently_ordered(
    pairs: list[tuple[int, int]], required: list[str]
) -> None:
    """Any cycle among the required types' hints is a ConfigError naming two of them;
    without one, every hint is respected."""
    from orchestrion import ConfigError

    after: dict[str, list[str]] = {t: [] for t in TYPES}
    edges = []
    for i, j in pairs:  # t_j runs after t_i
        if TYPES[i] not in after[TYPES[j]]:
            after[TYPES[j]].append(TYPES[i])
            edges.append((TYPES[i], TYPES[j]))
    types = Plug("types", components=[component(t, after=after[t]) for t in TYPES])
    orch = make_orch(types, Plug("ask", requires=list(required)))
    if _has_cycle(set(required), edges):
        with pytest.raises(ConfigError, match="contradict") as info:
            orch.plan(1)
        assert len([t for t in TYPES if f"'{t}'" in str(info.value)]) >= 2
        return
    route = orch.plan(1)
    position = {t: i for i, t in enumerate(route.types)}
    assert set(position) == set(required)
    for a, b in edges:
        if a in position and b in position:
            assert position[a] < position[b]


@given(when=conditions)
def test_condition_forms_round_trip(when: Any) -> None:
    """Parsing the TOML form of a condition and writing it back gives the same form."""
    from orchestrion._routing._conditions import parse_when, when_of

    assert when_of(parse_when(when)) == when
