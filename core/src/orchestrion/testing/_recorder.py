"""Recording hook calls on an orchestrator's plugin manager (pluggy monitoring)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import pluggy

from .._orchestrator import Orchestrator
from .._plugins._manager import PluginSet

__all__ = ["HookCall", "HookRecorder"]


@dataclass(frozen=True, slots=True)
class HookCall:
    """One recorded hook call.

    ``plugins`` are the implementations that were called, in call order
    (the core calls some hooks one implementation at a time, which records one
    call per implementation). ``result`` is pluggy's answer (a list of the
    non-``None`` answers, for these hooks), ``exception`` what the call raised.
    """

    hook: str
    kwargs: Mapping[str, Any]
    plugins: tuple[str, ...]
    result: Any = None
    exception: BaseException | None = None


class HookRecorder:
    """Record every hook call made on an orchestrator (or plugin set, or
    pluggy plugin manager) from now on, until :meth:`close`; usable as a
    context manager.

    Registration hooks run while the orchestrator is built, before a recorder
    can attach: check what they did through ``orchestrator.registry`` instead.
    """

    def __init__(self, target: Orchestrator | PluginSet | pluggy.PluginManager) -> None:
        if isinstance(target, Orchestrator):
            target = target.plugins
        pm = target.pm if isinstance(target, PluginSet) else target
        self.calls: list[HookCall] = []
        self._undo: Callable[[], None] | None = pm.add_hookcall_monitoring(
            self._before, self._after
        )

    def _before(
        self, hook_name: str, hook_impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]
    ) -> None:
        pass  # everything is known after the call; nothing to do before it

    def _after(
        self,
        outcome: pluggy.Result[Any],
        hook_name: str,
        hook_impls: Sequence[pluggy.HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        exception = outcome.exception
        self.calls.append(
            HookCall(
                hook=hook_name,
                kwargs=dict(kwargs),
                # pluggy calls its implementation list from the end.
                plugins=tuple(impl.plugin_name for impl in reversed(hook_impls)),
                result=None if exception is not None else outcome.get_result(),
                exception=exception,
            )
        )

    def calls_of(self, hook: str) -> list[HookCall]:
        """The recorded calls of ``hook``, oldest first."""
        return [call for call in self.calls if call.hook == hook]

    def get_call(self, hook: str) -> HookCall:
        """The one recorded call of ``hook``; ``AssertionError`` when there
        were none or several."""
        calls = self.calls_of(hook)
        if len(calls) != 1:
            recorded = sorted({c.hook for c in self.calls}) or ["nothing"]
            msg = f"expected one call of {hook!r}, got {len(calls)} (recorded: {recorded})"
            raise AssertionError(msg)
        return calls[0]

    def clear(self) -> None:
        """Forget the calls recorded so far."""
        self.calls.clear()

    def close(self) -> None:
        """Stop recording (idempotent)."""
        if self._undo is not None:
            self._undo()
            self._undo = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
