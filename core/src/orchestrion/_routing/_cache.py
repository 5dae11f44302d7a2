"""The route cache: decisions keyed by data profile, never by payload.

A bounded LRU. An entry also remembers the breaker state of every provider
its capability choices weighed; a lookup whose providers' states changed since
is a miss that drops the entry (counted as a ``health`` invalidation). Plugin
set and rule changes clear the whole cache (see the router).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._profile import DataProfile
from ._route import Route

__all__ = ["CacheInfo", "RouteCache"]

HealthDeps = tuple[tuple[str, str], ...]


@dataclass(slots=True)
class CacheInfo:
    """Counters of one route cache."""

    hits: int = 0
    misses: int = 0
    evictions: int = 0
    size: int = 0
    maxsize: int = 0
    invalidations: dict[str, int] = field(
        default_factory=lambda: {"plugins": 0, "rules": 0, "health": 0, "manual": 0}
    )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "hits": self.hits,
            "misses": self.misses,
            "evictions": self.evictions,
            "size": self.size,
            "maxsize": self.maxsize,
            "invalidations": dict(self.invalidations),
        }


class RouteCache:
    """Bounded LRU of routes by :class:`DataProfile`."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[DataProfile, tuple[Route, HealthDeps]] = OrderedDict()
        self._info = CacheInfo(maxsize=maxsize)

    def get(self, profile: DataProfile, state: Callable[[str], str]) -> Route | None:
        """The cached route for ``profile``, if any and still valid."""
        entry = self._entries.get(profile)
        if entry is None:
            self._info.misses += 1
            return None
        route, deps = entry
        for component, seen in deps:
            if state(component) != seen:
                del self._entries[profile]
                self._info.invalidations["health"] += 1
                self._info.misses += 1
                return None
        self._entries.move_to_end(profile)
        self._info.hits += 1
        return route

    def put(self, profile: DataProfile, route: Route, deps: HealthDeps) -> None:
        """Remember ``route`` (already marked as cached) for ``profile``."""
        if self.maxsize <= 0:
            return
        self._entries[profile] = (route, deps)
        self._entries.move_to_end(profile)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
            self._info.evictions += 1

    def clear(self, reason: str) -> None:
        """Drop every entry, counting why (``plugins``, ``rules``, ``manual``)."""
        if self._entries:
            self._entries.clear()
        self._info.invalidations[reason] = self._info.invalidations.get(reason, 0) + 1

    def info(self) -> CacheInfo:
        """A copy of the counters."""
        return CacheInfo(
            hits=self._info.hits,
            misses=self._info.misses,
            evictions=self._info.evictions,
            size=len(self._entries),
            maxsize=self.maxsize,
            invalidations=dict(self._info.invalidations),
        )
