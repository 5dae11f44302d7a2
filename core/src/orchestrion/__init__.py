"""Orchestrion: orchestrate data-processing and agent workflows through plugins.

The public API is exactly what this module re-exports (``__all__``); modules
whose names start with ``_`` are private.
"""

from __future__ import annotations

from . import events as events
from . import exceptions as exceptions
from . import hookspecs as hookspecs
from ._config import Config as Config
from ._config import PluginsConfig as PluginsConfig
from ._config import load_config as load_config
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
from ._markers import hookimpl as hookimpl
from ._markers import hookspec as hookspec
from ._orchestrator import Orchestrator as Orchestrator
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
from ._version import __version__ as __version__
from .exceptions import AttemptTimeout as AttemptTimeout
from .exceptions import CircuitOpenError as CircuitOpenError
from .exceptions import ConfigError as ConfigError
from .exceptions import OrchestrionError as OrchestrionError
from .exceptions import PermanentError as PermanentError
from .exceptions import TransientError as TransientError
from .protocols import Component as Component
from .protocols import Executor as Executor
from .protocols import StepCall as StepCall
from .protocols import StepContext as StepContext
from .protocols import StepInfo as StepInfo

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
    "RunResult",
    "RunTotals",
    "StateStoreType",
    "Step",
    "StepCall",
    "StepContext",
    "StepInfo",
    "StepResult",
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
]
