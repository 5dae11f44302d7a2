# distributed's API is not annotated.
# mypy: disable-error-code="no-untyped-call"
"""Plugin ``testkit``: components for the dask executor's tests.

``tests/conftest.py`` puts this folder on ``sys.path``, where its
``.dist-info`` makes it an installed plugin for the test process and for the
worker processes of the test cluster (they inherit ``sys.path``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orchestrion import (
    ComponentType,
    Config,
    NoOptions,
    PermanentError,
    StepContext,
    TransientError,
    hookimpl,
)


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NumbersOptions(_Options):
    """Options of ``testkit.numbers``."""

    count: int = Field(default=8, ge=0, description="How many numbers to emit.")


class Numbers:
    """Emits ``0 .. count-1``."""

    def __init__(self, options: NumbersOptions) -> None:
        self.options = options

    def process(self, data: Any, ctx: StepContext) -> list[int]:
        """The numbers."""
        return list(range(self.options.count))


class Square:
    """Squares a number (sync), recording one unit of usage."""

    def __init__(self, options: NoOptions) -> None:
        self.options = options

    def process(self, data: int, ctx: StepContext) -> int:
        """``data * data``."""
        ctx.extra["usage"] = {"squares": 1}
        return data * data


class AsyncSquare:
    """Squares a number (async)."""

    def __init__(self, options: NoOptions) -> None:
        self.options = options

    async def process(self, data: int, ctx: StepContext) -> int:
        """``data * data``."""
        return data * data


class CrashOptions(_Options):
    """Options of ``testkit.crash_once``."""

    item: int = Field(description="The fan-out item whose first attempt kills its worker.")


def _on_worker() -> bool:
    try:
        from distributed import get_worker

        get_worker()
    except ValueError:
        return False
    return True


class CrashOnce:
    """Kills its own Dask worker process on the first attempt of one item;
    otherwise squares the number. Never kills a process that is not a worker."""

    def __init__(self, options: CrashOptions) -> None:
        self.options = options

    def process(self, data: int, ctx: StepContext) -> int:
        """``data * data``, after killing the worker once."""
        if ctx.item == self.options.item and ctx.attempt == 1 and _on_worker():
            os._exit(1)
        return data * data


class WaitOptions(_Options):
    """Options of ``testkit.wait``."""

    started: str = Field(description="Distributed Event set when the call starts.")
    release: str = Field(description="Distributed Event the call waits for.")


class Wait:
    """Sets one distributed Event, then blocks until another is set."""

    def __init__(self, options: WaitOptions) -> None:
        self.options = options

    def process(self, data: Any, ctx: StepContext) -> Any:
        """``data``, once released."""
        from distributed import Event

        Event(self.options.started).set()
        Event(self.options.release).wait(timeout=60)
        return data


class FlakyOptions(_Options):
    """Options of ``testkit.flaky``."""

    permanent: bool = Field(default=False, description="Fail permanently instead.")


class Flaky:
    """Fails its first attempt (transiently, or for good), then squares the number."""

    def __init__(self, options: FlakyOptions) -> None:
        self.options = options

    def process(self, data: int, ctx: StepContext) -> int:
        """``data * data`` from the second attempt on."""
        if self.options.permanent:
            msg = f"testkit.flaky: {data} is refused for good"
            raise PermanentError(msg, step=ctx.step, component="testkit.flaky")
        if ctx.attempt == 1:
            msg = f"testkit.flaky: attempt 1 on {data} fails"
            raise TransientError(msg, retry_after=0.0, step=ctx.step, component="testkit.flaky")
        return data * data


class Scale:
    """Multiplies a number by the ``[testkit] factor`` of the configuration."""

    def __init__(self, factor: int) -> None:
        self.factor = factor

    def process(self, data: int, ctx: StepContext) -> int:
        """``factor * data``."""
        return self.factor * data


@hookimpl
def register_components(register: Callable[[ComponentType[Any]], None], config: Config) -> None:
    """Register the test components (``testkit.scale`` reads ``[testkit] factor``)."""
    factor = int(config.section("testkit").get("factor", 1))
    register(
        ComponentType(name="testkit.numbers", factory=Numbers, options=NumbersOptions, emits="many")
    )
    register(ComponentType(name="testkit.square", factory=Square))
    register(ComponentType(name="testkit.async_square", factory=AsyncSquare))
    register(ComponentType(name="testkit.crash_once", factory=CrashOnce, options=CrashOptions))
    register(ComponentType(name="testkit.wait", factory=Wait, options=WaitOptions))
    register(ComponentType(name="testkit.flaky", factory=Flaky, options=FlakyOptions))
    register(ComponentType(name="testkit.scale", factory=lambda options: Scale(factor)))
