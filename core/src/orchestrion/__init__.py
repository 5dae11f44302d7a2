"""Orchestrion: orchestrate data-processing and agent workflows through plugins.

The public API is exactly what this module re-exports (``__all__``); modules
whose names start with ``_`` are private.

Heavy parts (the engine, events, resilience, the orchestrator) are imported on
first use through a module ``__getattr__`` (PEP 562): ``orchestrion plugins list``
and plugins that only register things must not pay for the whole engine at
start-up. Type checkers see ordinary imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import exceptions as exceptions
from . import hookspecs as hookspecs
from ._config import Config as Config
from ._config import PluginsConfig as PluginsConfig
from ._config import load_config as load_config
from ._markers import hookimpl as hookimpl
from ._markers import hookspec as hookspec
from ._plugins._selection import PluginSelection as PluginSelection
from ._plugins._selection import resolve_selection as resolve_selection
from ._profile import DataProfile as DataProfile
from ._profile import profile_of as profile_of
from ._registrations import ComponentType as ComponentType
from ._registrations import Condition as Condition
from ._registrations import ConditionRef as ConditionRef
from ._registrations import EventHandler as EventHandler
from ._registrations import ExecutorType as ExecutorType
from ._registrations import NoOptions as NoOptions
from ._registrations import RoutingRule as RoutingRule
from ._registrations import StateStoreType as StateStoreType
from ._version import __version__ as __version__
from .exceptions import AttemptTimeout as AttemptTimeout
from .exceptions import CircuitOpenError as CircuitOpenError
from .exceptions import ConfigError as ConfigError
from .exceptions import OrchestrionError as OrchestrionError
from .exceptions import PermanentError as PermanentError
from .exceptions import TransientError as TransientError
from .protocols import Component as Component
from .protocols import Executor as Executor
from .protocols import StateStore as StateStore
from .protocols import StepCall as StepCall
from .protocols import StepContext as StepContext
from .protocols import StepInfo as StepInfo

if TYPE_CHECKING:
    from . import events as events
    from . import streams as streams
    from ._engine._loader import load_workflow as load_workflow
    from ._engine._model import Step as Step
    from ._engine._model import Workflow as Workflow
    from ._engine._model import WorkflowBuilder as WorkflowBuilder
    from ._engine._results import ErrorInfo as ErrorInfo
    from ._engine._results import ItemResult as ItemResult
    from ._engine._results import RunResult as RunResult
    from ._engine._results import RunTotals as RunTotals
    from ._engine._results import StepResult as StepResult
    from ._event import Event as Event
    from ._events._bus import EventBus as EventBus
    from ._orchestrator import Orchestrator as Orchestrator
    from ._resilience import BreakerMetrics as BreakerMetrics
    from ._resilience import BreakerPolicy as BreakerPolicy
    from ._resilience import BreakerRegistry as BreakerRegistry
    from ._resilience import BreakerState as BreakerState
    from ._resilience import BreakerTransition as BreakerTransition
    from ._resilience import CircuitBreaker as CircuitBreaker
    from ._resilience import FailurePolicy as FailurePolicy
    from ._resilience import FailureRecord as FailureRecord
    from ._resilience import FallbackPolicy as FallbackPolicy
    from ._resilience import Policy as Policy
    from ._resilience import RetryPolicy as RetryPolicy
    from ._resilience import TimeoutPolicy as TimeoutPolicy
    from ._state._records import RunRecord as RunRecord
    from ._state._records import StepRecord as StepRecord
    from ._streams._result import StreamResult as StreamResult
    from ._streams._stats import StreamStats as StreamStats
    from ._streams._stream import Stream as Stream

# Public name -> the private module that defines it, imported on first access.
_LAZY: dict[str, str] = {
    "events": ".events",
    "load_workflow": "._engine._loader",
    "Step": "._engine._model",
    "Workflow": "._engine._model",
    "WorkflowBuilder": "._engine._model",
    "ErrorInfo": "._engine._results",
    "ItemResult": "._engine._results",
    "RunResult": "._engine._results",
    "RunTotals": "._engine._results",
    "StepResult": "._engine._results",
    "Event": "._event",
    "EventBus": "._events._bus",
    "Orchestrator": "._orchestrator",
    "RunRecord": "._state._records",
    "StepRecord": "._state._records",
    "streams": ".streams",
    "Stream": "._streams._stream",
    "StreamResult": "._streams._result",
    "StreamStats": "._streams._stats",
    "BreakerMetrics": "._resilience",
    "BreakerPolicy": "._resilience",
    "BreakerRegistry": "._resilience",
    "BreakerState": "._resilience",
    "BreakerTransition": "._resilience",
    "CircuitBreaker": "._resilience",
    "FailurePolicy": "._resilience",
    "FailureRecord": "._resilience",
    "FallbackPolicy": "._resilience",
    "Policy": "._resilience",
    "RetryPolicy": "._resilience",
    "TimeoutPolicy": "._resilience",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg)
    imported = importlib.import_module(module, __name__)
    value = imported if module == f".{name}" else getattr(imported, name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AttemptTimeout",
    "BreakerMetrics",
    "BreakerPolicy",
    "BreakerRegistry",
    "BreakerState",
    "BreakerTransition",
    "CircuitBreaker",
    "CircuitOpenError",
    "Component",
    "ComponentType",
    "Condition",
    "ConditionRef",
    "Config",
    "ConfigError",
    "DataProfile",
    "ErrorInfo",
    "Event",
    "EventBus",
    "EventHandler",
    "Executor",
    "ExecutorType",
    "FailurePolicy",
    "FailureRecord",
    "FallbackPolicy",
    "ItemResult",
    "NoOptions",
    "Orchestrator",
    "OrchestrionError",
    "PermanentError",
    "PluginSelection",
    "PluginsConfig",
    "Policy",
    "RetryPolicy",
    "RoutingRule",
    "RunRecord",
    "RunResult",
    "RunTotals",
    "StateStore",
    "StateStoreType",
    "Step",
    "StepCall",
    "StepContext",
    "StepInfo",
    "StepRecord",
    "StepResult",
    "Stream",
    "StreamResult",
    "StreamStats",
    "TimeoutPolicy",
    "TransientError",
    "Workflow",
    "WorkflowBuilder",
    "__version__",
    "events",
    "exceptions",
    "hookimpl",
    "hookspec",
    "hookspecs",
    "load_config",
    "load_workflow",
    "profile_of",
    "resolve_selection",
    "streams",
]
