"""The ``orchestrion`` command line as public API: its entry point and the
documented schemas of its ``--json`` output.

``orchestrion plugins list --json`` prints a :class:`PluginListing`; validate
it with ``PluginListing.model_validate_json(text)`` or against
``PluginListing.model_json_schema()``. :data:`cli` is the root click group,
for embedding or for tests with ``click.testing.CliRunner``.
"""

from __future__ import annotations

from ._cli import main as main
from ._cli._app import cli as cli
from ._cli._events import HandlerFailureInfo as HandlerFailureInfo
from ._cli._events import PublishReport as PublishReport
from ._cli._events import TriggeredRunInfo as TriggeredRunInfo
from ._cli._models import ComponentInfo as ComponentInfo
from ._cli._models import ComponentListing as ComponentListing
from ._cli._models import DoctorPluginReport as DoctorPluginReport
from ._cli._models import DoctorReport as DoctorReport
from ._cli._models import HookInfo as HookInfo
from ._cli._models import HookListing as HookListing
from ._cli._models import PluginInfo as PluginInfo
from ._cli._models import PluginListing as PluginListing

__all__ = [
    "ComponentInfo",
    "ComponentListing",
    "DoctorPluginReport",
    "DoctorReport",
    "HandlerFailureInfo",
    "HookInfo",
    "HookListing",
    "PluginInfo",
    "PluginListing",
    "PublishReport",
    "TriggeredRunInfo",
    "cli",
    "main",
]
