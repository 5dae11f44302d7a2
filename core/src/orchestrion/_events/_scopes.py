"""Running background tasks for the length of a block, without changing the
block's own exceptions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from anyio.abc import TaskGroup

__all__ = ["BodyError", "body_error"]


class BodyError:
    """What the body of a ``running()`` block raised, held while the task
    group closes: raised through the task group, it would come out wrapped in
    an exception group, and callers of ``async with orchestrator`` expect their
    own exceptions back unchanged."""

    def __init__(self) -> None:
        self.error: BaseException | None = None

    def reraise(self) -> None:
        """Raise the held exception, if any."""
        if self.error is not None:
            raise self.error


@contextmanager
def body_error(tg: TaskGroup) -> Iterator[BodyError]:
    """Hold what the block raises until ``tg`` has closed (then call
    :meth:`BodyError.reraise`); cancellation passes through, and an exception
    that is not an ``Exception`` (KeyboardInterrupt) cancels ``tg`` first."""
    holder = BodyError()
    try:
        yield holder
    except anyio.get_cancelled_exc_class():
        raise  # task groups pass cancellation through unwrapped
    except BaseException as exc:
        holder.error = exc
        if not isinstance(exc, Exception):  # KeyboardInterrupt and kin: stop now
            tg.cancel_scope.cancel()
