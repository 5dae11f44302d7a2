"""The Orchestrator: one plugin set, its registry, pools and runs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from ._config import Config, config_from_mapping, load_config
from ._plugins._manager import PluginSet
from ._plugins._selection import PluginSelection, resolve_selection
from ._registry import Registry
from .exceptions import PluginError

__all__ = ["Orchestrator"]


class Orchestrator:
    """Owns a plugin set, the registry it produced, component pools and
    breakers, and runs workflows. Nothing is shared between two orchestrators.

    ``plugins`` are in-process plugin objects (modules, classes or instances
    with ``@hookimpl`` functions) loaded after the installed ones. ``config`` is
    a :class:`Config`, a mapping as read from TOML, or a path to a config file;
    ``None`` uses defaults. ``selection`` overrides the plugin selection; by
    default it is resolved from the environment and ``config.plugins``.

    Use it as an async context manager so components are closed::

        async with Orchestrator() as orch:
            result = await orch.run(workflow, data)
    """

    def __init__(
        self,
        *,
        plugins: Iterable[object] = (),
        config: Config | Mapping[str, Any] | str | Path | None = None,
        selection: PluginSelection | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        if config is None:
            self.config = Config()
        elif isinstance(config, Config):
            self.config = config
        elif isinstance(config, str | Path):
            self.config = load_config(config)
        else:
            self.config = config_from_mapping(config)
        if selection is None:
            selection = resolve_selection(
                config=self.config.plugins, env=os.environ if env is None else env
            )
        self.selection = selection
        self.plugins = PluginSet(selection, in_process=plugins)

    @property
    def registry(self) -> Registry:
        """Everything the loaded plugins registered."""
        return self.plugins.registry

    @property
    def plugin_problems(self) -> list[PluginError]:
        """One error per plugin that could not be loaded (non-strict mode)."""
        return list(self.plugins.problems)

    async def aclose(self) -> None:
        """Release everything the orchestrator holds (pooled components)."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
