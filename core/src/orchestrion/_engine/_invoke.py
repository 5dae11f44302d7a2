"""The one seam where a step's component is called.

The scheduler calls :func:`invoke` once per step (or fan-out item) and knows
nothing of how the call is made: resilience (timeout, breaker, retry,
fallback) wraps the call here, and the executor decides where it runs.
"""

from __future__ import annotations

from typing import Any

from ..protocols import StepCall, StepContext
from ._plan import Node
from ._results import Rec

__all__ = ["Degraded", "invoke"]


class Degraded:
    """Wraps an output that is not the component's own (a fallback's): the step
    is recorded ``degraded``, never ``succeeded``."""

    __slots__ = ("reason", "value")

    def __init__(self, value: Any, reason: str) -> None:
        self.value = value
        self.reason = reason


async def invoke(node: Node, data: Any, ctx: StepContext, rec: Rec) -> Any:
    """Run ``node``'s component on ``data`` and return its output (a list for a
    type that emits many), or a :class:`Degraded` wrapper.

    Takes an instance from the node's pool for the call and records its id on
    ``rec``. Exceptions (cancellation included) propagate unchanged.
    """
    pool = node.pool
    idle = pool.idle
    if idle:  # the common case, inlined: a free instance is waiting
        inst = idle.pop()
        inst.busy += 1
    else:
        inst = await pool.acquire()
    rec.instance = inst.id
    try:
        if node.direct and inst.is_async:
            out = await inst.component.process(data, ctx)
            if node.emits_many and type(out) is not list:
                out = [x async for x in out] if hasattr(out, "__aiter__") else list(out)
            return out
        call = StepCall(node.ctype.name, node.options, inst.component, data, ctx, node.emits_many)
        out = await node.executor.call(call)
        if node.emits_many and type(out) is not list:
            out = [x async for x in out] if hasattr(out, "__aiter__") else list(out)
        return out
    finally:
        pool.release(inst)
