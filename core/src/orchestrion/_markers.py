"""The one marker pair for Orchestrion's hooks (project name ``orchestrion``)."""

from __future__ import annotations

import pluggy

PROJECT_NAME = "orchestrion"

#: Decorator marking a function in :mod:`orchestrion.hookspecs` as a hook specification.
hookspec = pluggy.HookspecMarker(PROJECT_NAME)

#: Decorator marking a plugin function as an implementation of an Orchestrion hook.
#: Accepts pluggy's options: ``tryfirst``, ``trylast``, ``specname``.
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
