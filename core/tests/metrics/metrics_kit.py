"""Helpers for metrics and health tests: an in-process plugin whose component
types succeed, retry, fail, fall back, fan out and answer health checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orchestrion import ComponentType, Orchestrator, StepContext, TransientError, hookimpl


class Needs(BaseModel):
    """Options with a required field (no default instance can be made)."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(description="Where the service is.")


class Ok:
    """Returns its input."""

    async def process(self, data: Any, ctx: StepContext) -> Any:
        """Echo."""
        return data


class Flaky:
    """Fails its first attempt with a TransientError."""

    async def process(self, data: Any, ctx: StepContext) -> Any:
        """Fail once, then echo."""
        if ctx.attempt < 2:
            raise TransientError("busy, try again")
        return data


class Down:
    """Always fails, with a message that quotes its input."""

    async def process(self, data: Any, ctx: StepContext) -> Any:
        """Fail."""
        raise ConnectionError(f"cannot send {data!r}")


class Split:
    """Fans out: one item per element."""

    async def process(self, data: Any, ctx: StepContext) -> Any:
        """Emit the elements."""
        return list(data)


class Checked:
    """An echo component with an async health check answering ``answer``."""

    answer: Any = True

    async def process(self, data: Any, ctx: StepContext) -> Any:
        """Echo."""
        return data

    async def health(self) -> Any:
        """The configured answer."""
        return self.answer


class Sick(Checked):
    """A component whose sync health check reports a failed dependency."""

    def health(self) -> Any:
        """Unhealthy, with a detail."""
        return {"healthy": False, "detail": "database unreachable"}


class Raising(Checked):
    """A component whose health check raises."""

    async def health(self) -> Any:
        """Raise."""
        raise OSError("socket closed")


class Parts:
    """The ``m.*`` component types."""

    orchestrion_plugin_name = "parts"

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """Register every test component type."""

        def simple(name: str, cls: type, *caps: str, **kw: Any) -> None:
            register(
                ComponentType(
                    name=name, factory=lambda _o: cls(), capabilities=frozenset(caps), **kw
                )
            )

        simple("m.ok", Ok, "cap.work")
        simple("m.flaky", Flaky, "cap.work")
        simple("m.down", Down)
        simple("m.split", Split, emits="many")
        simple("m.checked", Checked, "cap.check")
        simple("m.sick", Sick, "cap.check")
        simple("m.spare", Ok, "cap.check")
        simple("m.raising", Raising)
        register(ComponentType(name="m.needs", factory=lambda o: Ok(), options=Needs))


def orchestrator(**kwargs: Any) -> Orchestrator:
    """An orchestrator with only the built-ins and :class:`Parts`."""
    kwargs.setdefault("config", {"plugins": {"autoload": False}})
    return Orchestrator(plugins=[Parts()], env={}, **kwargs)


def one_step(component: str, **policy: Any) -> dict[str, Any]:
    """A workflow of one step ``s`` running ``component`` with ``policy``."""
    return {"name": "one", "steps": {"s": {"component": component, "policy": policy}}}
