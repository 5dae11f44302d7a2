"""Testing kit for plugin authors (public API).

Build a fresh orchestrator with exactly the plugins under test (installed
plugins are not autoloaded, the environment is ignored), record the hook
calls made on it, and call components directly::

    from orchestrion.testing import HookRecorder, make_orchestrator, make_step_context

    def test_registers_greeter():
        orch = make_orchestrator(my_plugin)
        assert "hello.greet" in orch.registry.components

:func:`set_testing` makes retry waits instant (``with set_testing(True):``),
so tests of retry policies take no wall time.

:func:`check_options_tables` keeps a docs page's options tables (rendered by
:func:`options_table`) in step with the models.

The pytest plugin (entry point ``orchestrion`` in ``pytest11``, active once
``orchestrion`` is installed) offers the same as fixtures:
``orchestrion_factory``, ``hook_recorder``, ``orchestrion_distribution`` and
``orchestrion_instant_retries``.
"""

from __future__ import annotations

from .._markers import hookimpl as hookimpl
from .._orchestrator import Orchestrator as Orchestrator
from .._profile import DataProfile as DataProfile
from .._profile import profile_of as profile_of
from .._resilience._retry import set_testing as set_testing
from ..protocols import StepContext as StepContext
from ..protocols import StepInfo as StepInfo
from ._dists import write_distribution as write_distribution
from ._docs import check_options_tables as check_options_tables
from ._docs import options_table as options_table
from ._factory import make_orchestrator as make_orchestrator
from ._factory import make_step_context as make_step_context
from ._recorder import HookCall as HookCall
from ._recorder import HookRecorder as HookRecorder

__all__ = [
    "DataProfile",
    "HookCall",
    "HookRecorder",
    "Orchestrator",
    "StepContext",
    "StepInfo",
    "check_options_tables",
    "hookimpl",
    "make_orchestrator",
    "make_step_context",
    "options_table",
    "profile_of",
    "set_testing",
    "write_distribution",
]
