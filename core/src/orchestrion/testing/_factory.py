"""Fresh orchestrators for tests: chosen plugins only, environment ignored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .._config import Config, config_from_mapping, load_config
from .._orchestrator import Orchestrator
from .._plugins._manager import BUILTIN_PLUGINS
from .._plugins._selection import resolve_selection
from ..protocols import StepContext, StepInfo

__all__ = ["make_orchestrator", "make_step_context"]


def _as_config(config: Config | Mapping[str, Any] | str | Path | None) -> Config:
    if config is None:
        return Config()
    if isinstance(config, Config):
        return config
    if isinstance(config, str | Path):
        return load_config(config)
    return config_from_mapping(config)


def make_orchestrator(
    *plugins: object,
    config: Config | Mapping[str, Any] | str | Path | None = None,
    installed: Iterable[str] = (),
    builtins: bool = True,
    strict: bool = True,
    **kwargs: Any,
) -> Orchestrator:
    """A new :class:`~orchestrion.Orchestrator` running ``plugins`` (modules,
    classes or instances with ``@hookimpl`` functions), for tests.

    Installed plugins are not autoloaded and ``ORCHESTRION_*`` environment
    variables are ignored, so the result does not depend on the machine.
    ``installed`` names installed plugins to load anyway (entry-point or
    distribution names), e.g. to test a plugin through its real entry point.
    ``builtins=False`` leaves out the built-in plugins too. ``config`` is a
    :class:`~orchestrion.Config`, a mapping as read from TOML, or a file; its
    ``[plugins]`` table applies (on top of the above). ``strict`` (the default)
    makes any plugin problem raise at once instead of being recorded in
    ``plugin_problems``. Other keyword arguments go to ``Orchestrator``.
    """
    resolved = _as_config(config)
    names = list(installed)
    selection = resolve_selection(
        config=resolved.plugins,
        env={},
        cli_enable=names or None,
        cli_disable=() if builtins else [name for name, _ in BUILTIN_PLUGINS],
        cli_no_autoload=True,
        cli_strict=strict,
    )
    return Orchestrator(plugins=plugins, config=resolved, selection=selection, **kwargs)


def make_step_context(
    component: str = "test",
    *,
    step: str = "step",
    run_id: str = "test-run",
    item: int | None = None,
    attempt: int = 1,
) -> StepContext:
    """A :class:`~orchestrion.StepContext` for calling a component's
    ``process(data, ctx)`` directly in a unit test."""
    info = StepInfo(run_id=run_id, step=step, component=component, item=item)
    return StepContext(info=info, attempt=attempt)
