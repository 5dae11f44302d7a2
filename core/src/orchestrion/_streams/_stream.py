"""A running stream: bounded stages from a source to the consumer.

Layout (all queues are anyio memory object streams with a fixed
``max_buffer_size``, so a stalled consumer stalls the producer)::

    source -> producer -> work queue -> N workers --(ordered)--> slots, in order
                 \\______ order queue (the reorder window) ______/  -> consumer
                                     --(unordered)--> out queue -> consumer

Ordered: the producer puts each record's slot on the order queue before the
work queue; the consumer takes slots from the order queue in offset order and
waits for each to be filled, so at most ``concurrency + buffer`` records are
between the source and the consumer. Unordered: workers send finished results
to the out queue, first done first out.

A result is *acknowledged* when the consumer has taken it (``__anext__``
returned it). A named stream checkpoints its last contiguous acknowledged
offset every ``checkpoint_every`` acknowledgements and when it closes, also
when cancelled; it resumes after that offset.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ..exceptions import ConfigError
from ._acks import Acknowledgements
from ._batch import BatchHandler, make_batch_handler
from ._handlers import Handler, make_handler
from ._offsets import Checkpoint, OffsetStore
from ._result import StreamResult
from ._source import Source, check_source, records_after
from ._stats import StreamStats, StreamStatsCollector

if TYPE_CHECKING:
    from .._engine._engine import WorkflowLike
    from .._orchestrator import Orchestrator

__all__ = ["DeadLetterSink", "Stream"]

#: Receives each failed record's result; may be ``async def``.
DeadLetterSink = Callable[[StreamResult], Awaitable[None] | None]


class _Slot:
    __slots__ = ("event", "offset", "record", "result")

    def __init__(self, offset: int, record: Any) -> None:
        self.offset = offset
        self.record = record
        self.result: StreamResult | None = None
        self.event: anyio.Event | None = None


def _positive(value: int, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"{key} must be a positive integer, got {value!r}"
        raise ConfigError(msg, key=key)
    return value


class Stream:
    """Processes the records of a source concurrently and yields one
    :class:`StreamResult` per record; made by :meth:`Orchestrator.stream`.

    Use it as an async context manager, then iterate::

        async with orch.stream(records, workflow="wf.yaml") as results:
            async for result in results:
                ...

    (Iterating it directly also works; leaving such a loop early closes the
    stream only when the loop's generator is closed, so prefer ``async with``.)
    """

    def __init__(
        self,
        orch: Orchestrator,
        source: Source,
        *,
        workflow: WorkflowLike | None = None,
        concurrency: int = 16,
        ordered: bool = True,
        buffer: int = 64,
        name: str | None = None,
        on_shutdown: Literal["drain", "cancel"] = "drain",
        dead_letter: DeadLetterSink | None = None,
        offsets: OffsetStore | None = None,
        checkpoint_every: int = 100,
        stats_interval: float | None = 1.0,
        decode: Callable[[Any], Any] | None = None,
        batch: int | None = None,
    ) -> None:
        self.concurrency = _positive(concurrency, "concurrency")
        self.buffer = _positive(buffer, "buffer")
        self.checkpoint_every = _positive(checkpoint_every, "checkpoint_every")
        if on_shutdown not in ("drain", "cancel"):
            msg = f"on_shutdown must be 'drain' or 'cancel', got {on_shutdown!r}"
            raise ConfigError(msg, key="on_shutdown")
        if stats_interval is not None and stats_interval <= 0:
            msg = f"stats_interval must be positive or None, got {stats_interval!r}"
            raise ConfigError(msg, key="stats_interval")
        check_source(source)
        self.ordered = ordered
        self.durable = name is not None
        self.name = name if name is not None else f"stream-{uuid.uuid4().hex[:12]}"
        self.on_shutdown = on_shutdown
        self._orch = orch
        self._source = source
        self._batch: BatchHandler | None = None
        self.batch = 1 if batch is None else _positive(batch, "batch")
        if batch is None:
            self._handle: Handler = make_handler(orch, workflow, decode)
        elif workflow is None:
            msg = "batch= needs a workflow: routed records are run one by one"
            raise ConfigError(msg, key="batch")
        else:
            self._batch = make_batch_handler(orch, workflow, self.name, decode)
        self._sink = dead_letter
        self._offsets = offsets
        self._stats_interval = stats_interval
        self._collector = StreamStatsCollector()
        self._tg: TaskGroup | None = None
        self._entered = False
        self._closing = False
        self._producer_scope = anyio.CancelScope()
        self._stats_scope = anyio.CancelScope()
        self._slots: MemoryObjectReceiveStream[_Slot] | None = None
        self._out: MemoryObjectReceiveStream[StreamResult] | None = None
        self._acks: Acknowledgements | None = None  # named streams, once started

    @property
    def max_ahead(self) -> int:
        """The most records that can be read from the source but not yet taken
        by the consumer (the bound that keeps memory flat)."""
        if self.ordered:
            # the order queue, the slot the consumer awaits, the one the producer holds
            return self.concurrency + self.buffer + 2
        # the work queue, a record (or batch) per worker, the out queue, the producer's
        return self.concurrency * self.batch + 2 * self.buffer + 1

    @property
    def committed(self) -> Checkpoint | None:
        """The last checkpoint of a named stream (recorded or resumed from)."""
        return None if self._acks is None else self._acks.committed

    @property
    def stats(self) -> StreamStats:
        """The stream's statistics now (records in/out, errors, dead-lettered,
        in flight, throughput, latency percentiles)."""
        return self._collector.snapshot()

    # -- lifecycle -----------------------------------------------------------

    async def __aenter__(self) -> Self:
        if self._entered:
            msg = f"stream {self.name!r} was already started; call orch.stream() again"
            raise ConfigError(msg)
        self._entered = True
        skip, done = 0, frozenset[int]()
        if self.durable:
            acks = await Acknowledgements.open(
                self._orch, self.name, self._offsets, self.checkpoint_every
            )
            self._acks = acks
            if acks.resumed is not None:
                self._collector.resumed_after = acks.resumed.offset
            skip, done = acks.skip
        records = records_after(self._source, skip, done)
        tg = anyio.create_task_group()
        await tg.__aenter__()
        self._tg = tg
        window = self.concurrency + self.buffer
        # Ordered, every slot in the work queue is also in the order queue, so
        # the order queue's size is the bound; unordered, each queue adds to it.
        work_size = window if self.ordered else self.buffer
        work_send, work_recv = anyio.create_memory_object_stream[_Slot](work_size)
        order_send: MemoryObjectSendStream[_Slot] | None = None
        out_send: MemoryObjectSendStream[StreamResult] | None = None
        if self.ordered:
            order_send, self._slots = anyio.create_memory_object_stream[_Slot](window)
        else:
            out_send, self._out = anyio.create_memory_object_stream[StreamResult](self.buffer)
        tg.start_soon(self._produce, records, work_send, order_send)
        worker = self._work if self._batch is None else self._work_batches
        with work_recv:
            for _ in range(self.concurrency):
                tg.start_soon(
                    worker, work_recv.clone(), None if out_send is None else out_send.clone()
                )
        if out_send is not None:
            out_send.close()
        if self._stats_interval is not None:
            tg.start_soon(self._publish_stats, self._stats_interval)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        tg = self._tg
        if tg is None:
            return None
        self._closing = True
        self._producer_scope.cancel()
        self._stats_scope.cancel()
        cancelled = exc_type is not None and issubclass(exc_type, anyio.get_cancelled_exc_class())
        if cancelled or self.on_shutdown == "cancel":
            tg.cancel_scope.cancel()
        for receiver in (self._slots, self._out):
            if receiver is not None:  # no more consumer: unblocks workers sending to it
                receiver.close()
        with anyio.CancelScope(shield=True):
            if self._acks is not None:
                await self._acks.flush()
                self._acks.close()
            await self._publish_once()
        try:
            return await tg.__aexit__(exc_type, exc, tb)
        except BaseExceptionGroup as group:
            if exc is not None and group.exceptions == (exc,):
                return False  # the body's own error: re-raised as is, not in a group
            raise

    def __aiter__(self) -> AsyncIterator[StreamResult]:
        if self._entered:
            return self
        return self._self_managed()

    async def _self_managed(self) -> AsyncIterator[StreamResult]:
        async with self:
            async for result in self:
                yield result

    async def __anext__(self) -> StreamResult:
        slots = self._slots
        if slots is not None:
            try:
                slot = slots.receive_nowait()
            except anyio.WouldBlock:
                try:
                    slot = await slots.receive()
                except anyio.EndOfStream:
                    raise StopAsyncIteration from None
            except anyio.EndOfStream:
                raise StopAsyncIteration from None
            result = slot.result
            if result is None:
                slot.event = event = anyio.Event()
                await event.wait()
                result = slot.result
                assert result is not None  # set before the event
        else:
            out = self._out
            if out is None:
                msg = f"stream {self.name!r} is not started: use 'async with orch.stream(...)'"
                raise ConfigError(msg)
            try:
                result = out.receive_nowait()
            except anyio.WouldBlock:
                try:
                    result = await out.receive()
                except anyio.EndOfStream:
                    raise StopAsyncIteration from None
            except anyio.EndOfStream:
                raise StopAsyncIteration from None
        self._collector.records_out += 1
        if self._acks is not None:
            await self._acks.ack(result.offset)
        return result

    # -- stages --------------------------------------------------------------

    async def _produce(
        self,
        records: AsyncIterator[tuple[int, Any]],
        work: MemoryObjectSendStream[_Slot],
        order: MemoryObjectSendStream[_Slot] | None,
    ) -> None:
        stats = self._collector
        with self._producer_scope, work:
            try:
                async for offset, record in records:
                    slot = _Slot(offset, record)
                    stats.records_in += 1
                    # Wait (and yield) only when a queue is full: a checkpoint
                    # per send would cost more than the rest of the hand-off.
                    if order is not None:
                        try:
                            order.send_nowait(slot)
                        except anyio.WouldBlock:
                            await order.send(slot)
                    try:
                        work.send_nowait(slot)
                    except anyio.WouldBlock:
                        await work.send(slot)
            except anyio.BrokenResourceError:
                pass  # the consumer left: nothing more to produce
            finally:
                if order is not None:
                    order.close()
                aclose = getattr(records, "aclose", None)
                if aclose is not None:
                    with anyio.CancelScope(shield=True):
                        await aclose()

    async def _work(
        self,
        work: MemoryObjectReceiveStream[_Slot],
        out: MemoryObjectSendStream[StreamResult] | None,
    ) -> None:
        handle, stats = self._handle, self._collector
        with work:
            try:
                while True:
                    try:
                        slot = work.receive_nowait()
                    except anyio.WouldBlock:
                        try:
                            slot = await work.receive()
                        except anyio.EndOfStream:
                            break
                    except anyio.EndOfStream:
                        break
                    if self._closing:  # shutting down: unstarted records are left for a resume
                        break
                    stats.in_flight += 1
                    try:
                        result = await handle(slot.offset, slot.record)
                    finally:
                        stats.in_flight -= 1
                    await self._deliver(slot, result, out)
            except anyio.BrokenResourceError:
                pass  # the consumer left (drain): the result has nowhere to go
            finally:
                if out is not None:
                    out.close()

    async def _work_batches(
        self,
        work: MemoryObjectReceiveStream[_Slot],
        out: MemoryObjectSendStream[StreamResult] | None,
    ) -> None:
        handle, stats, size = self._batch, self._collector, self.batch
        assert handle is not None
        with work:
            try:
                while not self._closing:
                    try:
                        slots = [await work.receive()]
                    except anyio.EndOfStream:
                        break
                    # Whatever else is already queued joins the batch; never wait for more.
                    while len(slots) < size:
                        try:
                            slots.append(work.receive_nowait())
                        except (anyio.WouldBlock, anyio.EndOfStream):
                            break
                    stats.in_flight += len(slots)
                    try:
                        results = await handle([(slot.offset, slot.record) for slot in slots])
                    finally:
                        stats.in_flight -= len(slots)
                    for slot, result in zip(slots, results, strict=True):
                        await self._deliver(slot, result, out)
            except anyio.BrokenResourceError:
                pass  # the consumer left (drain): the results have nowhere to go
            finally:
                if out is not None:
                    out.close()

    async def _deliver(
        self, slot: _Slot, result: StreamResult, out: MemoryObjectSendStream[StreamResult] | None
    ) -> None:
        stats, sink = self._collector, self._sink
        stats.latency(result.latency)
        if not result.ok:
            stats.errors += 1
            if sink is not None and await self._dead_letter(sink, result):
                stats.dead_lettered += 1
        if out is None:  # ordered: the consumer waits on the slot
            slot.result = result
            slot.record = None  # the input is no longer needed
            if slot.event is not None:
                slot.event.set()
            return
        try:
            out.send_nowait(result)
        except anyio.WouldBlock:
            await out.send(result)

    async def _dead_letter(self, sink: DeadLetterSink, result: StreamResult) -> bool:
        try:
            done = sink(result)
            if inspect.isawaitable(done):
                await done
        except Exception:  # a broken sink must not stop the stream; counted, not raised
            return False
        return True

    # -- statistics events ---------------------------------------------------

    async def _publish_stats(self, interval: float) -> None:
        with self._stats_scope:
            while True:
                await anyio.sleep(interval)  # a period, not a synchronisation
                await self._publish_once()

    async def _publish_once(self) -> None:
        from .._events._lifecycle import STREAM_STATS, stream_stats

        bus = self._orch.events
        if bus.wants(STREAM_STATS):
            await bus.publish(stream_stats(self.name, self._collector.snapshot().as_dict()))
