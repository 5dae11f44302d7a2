"""Subscriptions and which of them an event type reaches, cached per type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .._event import check_event_type

__all__ = ["Matcher", "Subscription", "check_pattern"]

_CACHE_LIMIT = 4096


def check_pattern(pattern: object) -> str:
    """``pattern`` if it is an event type (``step.failed``), a prefix pattern
    (``step.*``) or ``*``; a ``ValueError`` otherwise."""
    if pattern == "*":
        return "*"
    if isinstance(pattern, str) and pattern.endswith(".*"):
        check_event_type(pattern[:-2])
        return pattern
    try:
        return check_event_type(pattern)
    except ValueError as exc:
        msg = f"{exc}; subscribe to an event type, a prefix such as 'step.*', or '*'"
        raise ValueError(msg) from None


@dataclass(eq=False, slots=True)
class Subscription:
    """One handler subscribed to some event types; returned by
    :meth:`EventBus.subscribe`. Call :meth:`unsubscribe` (or leave its
    ``with`` block) to stop deliveries; events already queued for it are still
    delivered."""

    name: str
    types: tuple[str, ...]
    handler: Callable[[Any], Awaitable[None] | None]
    timeout: float | None
    retries: int
    _unsubscribe: Callable[[Subscription], None] = field(repr=False)
    exact: frozenset[str] = field(init=False, repr=False)
    prefixes: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.exact = frozenset(t for t in self.types if not t.endswith("*"))
        # "step.*" is kept as "step." so a match is one startswith; "*" as "".
        self.prefixes = tuple(t[:-1] for t in self.types if t.endswith("*"))

    def accepts(self, event_type: str) -> bool:
        """Whether events of ``event_type`` reach this subscription."""
        return event_type in self.exact or event_type.startswith(self.prefixes)

    def unsubscribe(self) -> None:
        """Stop delivering new events to this handler (idempotent)."""
        self._unsubscribe(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.unsubscribe()


class Matcher:
    """The subscriptions of one bus and, per event type, the ones it reaches.

    Publishing looks the type up in a cache, so an event nobody listens to
    costs one dict lookup; any (un)subscription clears the cache.
    """

    def __init__(self) -> None:
        self._subs: dict[str, Subscription] = {}
        self._cache: dict[str, tuple[Subscription, ...]] = {}

    def __iter__(self) -> Iterator[Subscription]:
        return iter(list(self._subs.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._subs

    def add(self, sub: Subscription) -> None:
        """Add ``sub``; its name must be free."""
        if sub.name in self._subs:
            msg = f"an event handler named {sub.name!r} is already subscribed; pick another name"
            raise ValueError(msg)
        self._subs[sub.name] = sub
        self._cache.clear()

    def remove(self, sub: Subscription) -> None:
        """Remove ``sub`` if it is still subscribed."""
        if self._subs.get(sub.name) is sub:
            del self._subs[sub.name]
            self._cache.clear()

    def match(self, event_type: str) -> tuple[Subscription, ...]:
        """The subscriptions ``event_type`` reaches, in subscription order."""
        found = self._cache.get(event_type)
        if found is None:
            found = tuple(s for s in self._subs.values() if s.accepts(event_type))
            # Types are usually a small fixed set; the bound only guards
            # against publishers that mint a new type per event.
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[event_type] = found
        return found
