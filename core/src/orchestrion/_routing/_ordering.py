"""Ordering required component types by their ``after``/``before`` hints.

The hints between the types of one route form a graph; a stable topological
order (Kahn's algorithm, ties broken by the order the requirements arrived in)
gives the step order, and the graph's transitive reduction gives the route's
edges, so types the hints do not relate become parallel branches. A cycle is a
contradiction: a :class:`ConfigError` naming the types and the hints involved.
Hints naming types that are not in the route are ignored (and reported).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._registrations import ComponentType
from ..exceptions import ConfigError

__all__ = ["Ordering", "order_types"]


@dataclass(frozen=True, slots=True)
class Ordering:
    """The ordered types, the DAG edges between them and what each hint did."""

    types: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    applied: tuple[str, ...]
    ignored: tuple[str, ...]


def _targets(hint: str, members: Sequence[str], caps: Mapping[str, frozenset[str]]) -> list[str]:
    """Route members a hint refers to: the type of that name, else every member
    providing a capability of that name."""
    if hint in caps:
        return [hint]
    return [m for m in members if hint in caps[m]]


def order_types(types: Sequence[str], components: Mapping[str, ComponentType[Any]]) -> Ordering:
    """Order ``types`` (distinct, all registered) by their hints; see the module doc."""
    members = list(types)
    index = {t: i for i, t in enumerate(members)}
    caps = {t: components[t].capabilities for t in members}
    succ: dict[str, set[str]] = {t: set() for t in members}
    why: dict[tuple[str, str], str] = {}
    applied: list[str] = []
    ignored: list[str] = []
    for t in members:
        ct = components[t]
        for rel, hints in (("after", ct.after), ("before", ct.before)):
            for hint in hints:
                targets = [u for u in _targets(hint, members, caps) if u != t]
                if not targets:
                    ignored.append(f"{t} {rel} {hint}: {hint!r} is not in the route")
                    continue
                for u in targets:
                    edge = (u, t) if rel == "after" else (t, u)
                    succ[edge[0]].add(edge[1])
                    why.setdefault(edge, f"{t!r} declares {rel}={hint!r}")
                    applied.append(f"{edge[0]} -> {edge[1]} ({t} {rel} {hint})")
    indegree = dict.fromkeys(members, 0)
    for t in members:
        for u in succ[t]:
            indegree[u] += 1
    ready = [index[t] for t in members if indegree[t] == 0]
    heapq.heapify(ready)
    ordered: list[str] = []
    while ready:
        t = members[heapq.heappop(ready)]
        ordered.append(t)
        for u in succ[t]:
            indegree[u] -= 1
            if indegree[u] == 0:
                heapq.heappush(ready, index[u])
    if len(ordered) < len(members):
        _contradiction([t for t in members if indegree[t] > 0], succ, why)
    return Ordering(tuple(ordered), _reduce(ordered, succ), tuple(applied), tuple(ignored))


def _reduce(ordered: list[str], succ: Mapping[str, set[str]]) -> tuple[tuple[str, str], ...]:
    """The transitive reduction of an acyclic graph: an edge is kept only when
    no longer path connects its ends, so a step depends only on its nearest
    predecessors."""
    position = {t: i for i, t in enumerate(ordered)}
    reach: dict[str, set[str]] = {}
    for t in reversed(ordered):
        r: set[str] = set()
        for u in succ[t]:
            r.add(u)
            r |= reach[u]
        reach[t] = r
    edges: list[tuple[str, str]] = []
    for t in ordered:
        direct = succ[t]
        edges.extend(
            (t, u)
            for u in sorted(direct, key=position.__getitem__)
            if not any(u in reach[v] for v in direct if v != u)
        )
    return tuple(edges)


def _contradiction(
    stuck: list[str], succ: Mapping[str, set[str]], why: Mapping[tuple[str, str], str]
) -> None:
    """Raise a :class:`ConfigError` describing one cycle among ``stuck``."""
    # Every stuck type still has a stuck predecessor, so walking predecessors
    # from any of them must come back round: that walk, reversed, is a cycle.
    position = {t: i for i, t in enumerate(stuck)}
    pred = {t: sorted((u for u in stuck if t in succ[u]), key=position.__getitem__) for t in stuck}
    path = [stuck[0]]
    seen = {stuck[0]: 0}
    while True:
        current = pred[path[-1]][0]
        if current in seen:
            back = [*path[seen[current] :], current]
            break
        seen[current] = len(path)
        path.append(current)
    cycle = back[::-1]
    a, b = cycle[0], cycle[1]
    hints = "; ".join(why[(x, y)] for x, y in itertools.pairwise(cycle))
    chain = " -> ".join(cycle)
    msg = (
        f"ordering hints of component types {a!r} and {b!r} contradict: they form the cycle "
        f"{chain} ({hints}); fix the after/before hints of one of them"
    )
    raise ConfigError(msg, key="routing.ordering")
