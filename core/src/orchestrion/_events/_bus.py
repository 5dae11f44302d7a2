"""The event bus: bounded, concurrent, isolated delivery of events to handlers."""

from __future__ import annotations

import contextvars
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import anyio

from .._event import Event
from .._registrations import EventHandler
from ._delivery import HandlerCounters, call_handler
from ._matching import Matcher, Subscription, check_pattern
from ._records import BusStats, DeadLetter, DeadLetterSink, HandlerFailure, HandlerStats
from ._scopes import body_error

if TYPE_CHECKING:  # imported for annotations only: `import orchestrion` stays light
    from anyio.abc import TaskGroup
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

__all__ = ["EventBus"]

_log = logging.getLogger("orchestrion.events")

# The bus whose handler the current task is running, if any: a handler that
# publishes on its own bus while the queue is full is served inline instead of
# waiting for a dispatcher, which may be the very one it is blocking.
_delivering: contextvars.ContextVar[EventBus | None] = contextvars.ContextVar(
    "orchestrion_delivering", default=None
)

_Item = tuple[Event, tuple[Subscription, ...]]


@dataclass(slots=True)
class _Totals:
    published: int = 0
    unrouted: int = 0
    delivered: int = 0
    partial: int = 0
    failed: int = 0
    dropped: int = 0
    pending: int = 0
    dead_letters: int = 0
    sink_errors: int = 0


class EventBus:
    """Delivers published events to the handlers subscribed to their type.

    Each orchestrator owns one (``orchestrator.events``). Handlers come from
    plugins (``handlers``, the ``register_event_handlers`` registrations) and
    from :meth:`subscribe`. Every matching handler gets the event concurrently;
    each runs isolated, bounded by its timeout and retried as it asks: its
    failure is recorded (:meth:`stats`, :attr:`dead_letters`) and never reaches
    the publisher or the other handlers.

    Deliveries happen while the bus is :meth:`running`: ``publish`` puts the
    event on a queue of ``queue_size`` events drained by ``dispatchers`` tasks,
    and waits when the queue is full, so a slow handler slows publishers down
    instead of growing memory. When the bus is not running, ``publish``
    delivers the event itself before returning.

    ``dead_letter_limit`` bounds the in-memory dead-letter list; ``sink``, when
    given, is awaited with every dead letter (to persist it). A failed handler
    attempt is retried after ``retry_wait`` seconds, doubling up to
    ``retry_wait_max``.
    """

    def __init__(
        self,
        handlers: Iterable[EventHandler] = (),
        *,
        queue_size: int = 1000,
        dispatchers: int = 8,
        dead_letter_limit: int = 1000,
        sink: DeadLetterSink | None = None,
        retry_wait: float = 0.1,
        retry_wait_max: float = 2.0,
    ) -> None:
        if queue_size < 1 or dispatchers < 1 or dead_letter_limit < 0:
            msg = "queue_size and dispatchers must be >= 1, dead_letter_limit >= 0"
            raise ValueError(msg)
        self._queue_size = queue_size
        self._dispatchers = dispatchers
        self._sink = sink
        self._retry_wait = retry_wait
        self._retry_wait_max = retry_wait_max
        self._matcher = Matcher()
        self._handler_stats: dict[str, HandlerCounters] = {}
        self._totals = _Totals()
        self._dead: deque[DeadLetter] = deque(maxlen=dead_letter_limit)
        # One queue per dispatcher: events of one run (correlation id) always
        # go to the same one, so every handler sees them in publication order.
        self._sends: list[MemoryObjectSendStream[_Item]] | None = None
        self._next_shard = 0
        self._task_group: TaskGroup | None = None
        self._depth = 0
        self._idle: anyio.Event | None = None
        self._held = 0
        for registration in handlers:
            self.add(registration)

    # -- subscriptions -------------------------------------------------------

    def add(self, registration: EventHandler) -> Subscription:
        """Subscribe a plugin's :class:`~orchestrion.EventHandler`."""
        return self.subscribe(
            registration.types,
            registration.handler,
            name=registration.name,
            timeout=registration.timeout,
            retries=registration.retries,
        )

    def subscribe(
        self,
        types: str | Iterable[str],
        handler: Callable[[Event], Awaitable[None] | None],
        *,
        name: str | None = None,
        timeout: float | None = 10.0,
        retries: int = 0,
    ) -> Subscription:
        """Deliver events of ``types`` (exact types, prefixes like ``step.*``, or
        ``*``) to ``handler`` until the returned subscription is unsubscribed.

        ``handler(event)`` should be ``async def``; a plain function is called
        on the event loop and must be quick. ``timeout`` bounds each attempt in
        seconds (``None``: no bound); ``retries`` is how many more attempts a
        failed delivery gets. ``name`` (default: the handler's qualified name)
        keys its statistics and must be unique on this bus.
        """
        patterns = (types,) if isinstance(types, str) else tuple(types)
        if not patterns:
            msg = "subscribe needs at least one event type or pattern"
            raise ValueError(msg)
        patterns = tuple(check_pattern(p) for p in patterns)
        if not callable(handler_obj := cast(object, handler)):
            msg = f"event handler must be callable, got {type(handler_obj).__name__}"
            raise TypeError(msg)
        if retries < 0 or (timeout is not None and timeout <= 0):
            msg = "retries must be >= 0 and timeout > 0 (or None)"
            raise ValueError(msg)
        if name is None:
            base = getattr(handler, "__qualname__", type(handler).__qualname__)
            name, n = base, 1
            while name in self._matcher:
                n += 1
                name = f"{base}#{n}"
        sub = Subscription(name, patterns, handler, timeout, retries, self._matcher.remove)
        self._matcher.add(sub)
        # A name subscribed again (after unsubscribing) keeps its counters.
        counters = self._handler_stats.setdefault(name, HandlerCounters(patterns))
        counters.types = patterns
        return sub

    def subscribers(self, event_type: str) -> list[str]:
        """The names of the handlers events of ``event_type`` are delivered to."""
        return [sub.name for sub in self._matcher.match(event_type)]

    def wants(self, event_type: str) -> bool:
        """Whether any handler is subscribed to ``event_type``: publishers of
        costly events can skip building them when nobody listens."""
        return bool(self._matcher.match(event_type))

    # -- publishing ----------------------------------------------------------

    async def publish(self, event: Event) -> None:
        """Hand ``event`` to the bus; it is delivered to every matching handler.

        While the bus is running this returns once the event is queued, waiting
        for room when the queue is full (backpressure); otherwise it returns
        once the event has been delivered. Handler failures never raise here.
        """
        subs = self._matcher.match(event.type)
        totals = self._totals
        totals.published += 1
        if not subs:
            totals.unrouted += 1
            return
        self._begin()
        queued = False
        try:
            sends = self._sends
            if sends is not None:
                shards = self._shards(event, sends)
                queued = _queue_nowait(shards, (event, subs))
                if not queued and _delivering.get() is not self:
                    await shards[0].send((event, subs))
                    queued = True
            if not queued:
                await self._deliver(event, subs)
        except anyio.BrokenResourceError:
            await self._deliver(event, subs)  # the bus was torn down while we waited
        finally:
            if not queued:
                self._end()

    def publish_nowait(self, event: Event) -> bool:
        """Queue ``event`` without waiting (for synchronous callers such as
        breaker observers). Returns ``False`` when the event could not be
        queued, because the queue is full or the bus is not running: it is
        then counted as dropped and kept as a dead letter."""
        subs = self._matcher.match(event.type)
        totals = self._totals
        totals.published += 1
        if not subs:
            totals.unrouted += 1
            return True
        sends = self._sends
        if sends is not None:
            self._begin()
            if _queue_nowait(self._shards(event, sends), (event, subs)):
                return True
            self._end()
        totals.dropped += 1
        self._dead_letter(DeadLetter(event, "dropped"))
        return False

    async def drain(self) -> None:
        """Wait until every event published so far, and any published by their
        handlers meanwhile, has been delivered (or has failed), and the runs
        they triggered have finished."""
        while self._totals.pending or self._held:
            if self._idle is None:
                self._idle = anyio.Event()
            await self._idle.wait()

    def _shards(
        self, event: Event, sends: list[MemoryObjectSendStream[_Item]]
    ) -> list[MemoryObjectSendStream[_Item]]:
        # The queues an event may go to, preferred first: its run's own queue,
        # or for an uncorrelated event any queue, starting from the next in turn.
        if event.correlation_id is not None:
            return [sends[hash(event.correlation_id) % len(sends)]]
        start = self._next_shard = (self._next_shard + 1) % len(sends)
        return sends[start:] + sends[:start]

    def _begin(self) -> None:
        self._totals.pending += 1

    def _end(self) -> None:
        self._totals.pending -= 1
        self._maybe_idle()

    def hold(self) -> None:
        """Count work a handler started in the background (a triggered run) as
        in progress, so :meth:`drain` waits for it; :meth:`release` ends it."""
        self._held += 1

    def release(self) -> None:
        """End one :meth:`hold`."""
        self._held -= 1
        self._maybe_idle()

    def _maybe_idle(self) -> None:
        if not (self._totals.pending or self._held) and self._idle is not None:
            self._idle.set()
            self._idle = None

    # -- lifecycle -----------------------------------------------------------

    @property
    def is_running(self) -> bool:
        """Whether dispatcher tasks are delivering queued events."""
        return self._depth > 0

    @asynccontextmanager
    async def running(self) -> AsyncIterator[EventBus]:
        """Run the dispatcher tasks for the duration of the ``async with`` block.

        Leaving the block normally or by an exception delivers what is still
        queued first (the exception then propagates as it was); leaving it by
        cancellation drops the queued events (counted as dropped).
        Nested ``running()`` blocks share the outermost one's dispatchers.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        size = -(-self._queue_size // self._dispatchers)  # ceil: queue_size in all
        streams = [anyio.create_memory_object_stream[_Item](size) for _ in range(self._dispatchers)]
        sends = [send for send, _ in streams]
        receives = [receive for _, receive in streams]
        try:
            async with anyio.create_task_group() as tg:
                for receive in receives:
                    # A clone, so the original outlives the dispatcher and the
                    # events left in it can be counted if the bus is cancelled.
                    tg.start_soon(self._dispatch, receive.clone())
                self._sends, self._task_group, self._depth = sends, tg, 1
                with body_error(tg) as error:
                    try:
                        yield self
                    finally:
                        # Closing the send side lets dispatchers finish the queue
                        # and stop; new publishes are delivered inline from now on.
                        self._sends, self._depth = None, 0
                        for send in sends:
                            send.close()
            error.reraise()
        finally:
            self._task_group, self._sends, self._depth = None, None, 0
            for receive in receives:
                with receive:
                    while True:
                        try:
                            event, _ = receive.receive_nowait()
                        except (anyio.WouldBlock, anyio.EndOfStream):
                            break
                        self._totals.dropped += 1
                        self._end()
                        self._dead_letter(DeadLetter(event, "dropped"))

    async def _dispatch(self, receive: MemoryObjectReceiveStream[_Item]) -> None:
        async with receive:
            async for event, subs in receive:
                try:
                    await self._deliver(event, subs)
                except BaseException:
                    # Cancelled mid-delivery (the bus is being torn down): the
                    # event's outcome is unknown, so it is kept as a dead letter.
                    self._totals.dropped += 1
                    self._dead_letter(DeadLetter(event, "cancelled"))
                    raise
                finally:
                    self._end()

    # -- delivery ------------------------------------------------------------

    async def _deliver(self, event: Event, subs: tuple[Subscription, ...]) -> None:
        failures: list[HandlerFailure] = []
        if len(subs) == 1:
            await self._call(subs[0], event, failures)
        else:
            async with anyio.create_task_group() as tg:
                for sub in subs:
                    tg.start_soon(self._call, sub, event, failures)
        totals = self._totals
        if not failures:
            totals.delivered += 1
        elif len(failures) < len(subs):
            totals.partial += 1
        else:
            totals.failed += 1
            letter = DeadLetter(event, "failed", tuple(failures))
            self._dead_letter(letter)
            if self._sink is not None:
                await self._to_sink(letter)

    async def _call(self, sub: Subscription, event: Event, failures: list[HandlerFailure]) -> None:
        token = _delivering.set(self)
        try:
            failure = await call_handler(
                sub, event, self._handler_stats[sub.name], self._retry_wait, self._retry_wait_max
            )
        finally:
            _delivering.reset(token)
        if failure is not None:
            failures.append(failure)

    # -- dead letters and statistics -----------------------------------------

    def _dead_letter(self, letter: DeadLetter) -> None:
        self._totals.dead_letters += 1
        self._dead.append(letter)
        # Failed letters are awaited by the delivery that made them; the others
        # arise where nothing can await (publish_nowait, cancellation).
        if letter.reason != "failed" and self._sink is not None and self._task_group:
            self._task_group.start_soon(self._to_sink, letter)

    async def _to_sink(self, letter: DeadLetter) -> None:
        assert self._sink is not None
        try:
            await self._sink(letter)
        except Exception:  # a broken sink must not break delivery
            self._totals.sink_errors += 1
            _log.exception("dead-letter sink failed for event %s", letter.event.id)

    @property
    def dead_letters(self) -> list[DeadLetter]:
        """The latest dead letters, oldest first (at most ``dead_letter_limit``)."""
        return list(self._dead)

    def stats(self) -> BusStats:
        """A snapshot of the bus's and each handler's counters."""
        t = self._totals
        return BusStats(
            published=t.published,
            unrouted=t.unrouted,
            delivered=t.delivered,
            partial=t.partial,
            failed=t.failed,
            dropped=t.dropped,
            pending=t.pending,
            dead_letters=t.dead_letters,
            sink_errors=t.sink_errors,
            handlers={
                name: HandlerStats(
                    name=name,
                    types=c.types,
                    delivered=c.delivered,
                    failed=c.failed,
                    timed_out=c.timed_out,
                    retried=c.retried,
                    last_error=c.last_error,
                )
                for name, c in self._handler_stats.items()
            },
        )


def _queue_nowait(shards: list[MemoryObjectSendStream[_Item]], item: _Item) -> bool:
    for send in shards:
        try:
            send.send_nowait(item)
        except anyio.WouldBlock:
            continue
        return True
    return False
