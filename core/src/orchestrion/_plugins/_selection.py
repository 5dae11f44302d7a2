"""Which plugins to load: CLI over environment over config over autoload."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._config import PluginsConfig
from ..exceptions import ConfigError

if TYPE_CHECKING:
    from packaging.requirements import Requirement

__all__ = ["PluginSelection", "normalize", "resolve_selection", "split_names"]

ENV_ENABLE = "ORCHESTRION_PLUGINS"
ENV_DISABLE = "ORCHESTRION_DISABLE_PLUGINS"
ENV_NO_AUTOLOAD = "ORCHESTRION_DISABLE_AUTOLOAD"
ENV_STRICT = "ORCHESTRION_STRICT_PLUGINS"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def normalize(name: str) -> str:
    """Normalise a plugin or distribution name for matching (PEP 503 style)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def split_names(value: str | Iterable[str]) -> list[str]:
    """``"a, b"`` or ``["a", "b,c"]`` to ``["a", "b", "c"]``."""
    parts = [value] if isinstance(value, str) else list(value)
    return [n.strip() for part in parts for n in part.split(",") if n.strip()]


def _env_flag(env: Mapping[str, str], name: str) -> bool | None:
    raw = env.get(name)
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    msg = f"{name}={raw!r} is not a boolean; use 1 or 0"
    raise ConfigError(msg, source="<env>")


@dataclass(frozen=True, slots=True)
class PluginSelection:
    """The resolved plugin set.

    ``enable`` (when not ``None``) lists the only entry-point plugins to load;
    ``disable`` is never loaded, not even imported, and applies to built-in
    plugins too; ``autoload`` loads every installed plugin not disabled when
    ``enable`` is ``None``. ``required`` are requirement strings checked after
    loading; ``strict`` makes every plugin problem fatal. ``sources`` says where
    each setting came from, for ``plugins doctor``.
    """

    enable: frozenset[str] | None = None
    disable: frozenset[str] = frozenset()
    required: tuple[str, ...] = ()
    autoload: bool = True
    strict: bool = False
    sources: tuple[str, ...] = ()

    def allows(self, *names: str) -> bool:
        """Whether a plugin known by any of ``names`` may be loaded."""
        keys = {normalize(n) for n in names if n}
        if keys & self.disable:
            return False
        if self.enable is not None:
            return bool(keys & self.enable)
        return self.autoload

    def blocked_reason(self, *names: str) -> str:
        """Why :meth:`allows` says no, for listings."""
        keys = {normalize(n) for n in names if n}
        if keys & self.disable:
            return "disabled"
        if self.enable is not None:
            return "not in the enabled plugin list"
        return "autoload is off"

    def is_disabled(self, *names: str) -> bool:
        """Whether a plugin is explicitly disabled (built-ins only honour this)."""
        return bool({normalize(n) for n in names if n} & self.disable)

    def requirements(self) -> list[Requirement]:
        """``required`` parsed; a bad specifier is a :class:`ConfigError`."""
        # packaging costs ~15 ms to import; most runs require nothing.
        from packaging.requirements import InvalidRequirement, Requirement

        out = []
        for text in self.required:
            try:
                out.append(Requirement(text))
            except InvalidRequirement as exc:
                msg = f"plugins.required entry {text!r} is not a valid requirement: {exc}"
                raise ConfigError(msg, key="plugins.required") from None
        return out


def resolve_selection(
    *,
    config: PluginsConfig | None = None,
    env: Mapping[str, str] | None = None,
    cli_enable: Iterable[str] | None = None,
    cli_disable: Iterable[str] = (),
    cli_no_autoload: bool = False,
    cli_strict: bool = False,
    cli_add: Iterable[str] = (),
) -> PluginSelection:
    """Merge the selection sources, highest precedence first: CLI, environment,
    config. An ``enable`` list from a higher source replaces lower ones;
    disables add up, except that a name a higher source explicitly enables
    overrides a lower source's disable of it.

    ``cli_enable`` is ``--plugins a,b``, ``cli_disable`` the ``-p no:NAME``
    names, ``cli_add`` the ``-p NAME`` names: load NAME too, even when a lower
    source disables it or autoload is off."""
    config = config or PluginsConfig()
    env = env if env is not None else {}
    sources: list[str] = []

    layers: list[tuple[str, list[str] | None, list[str]]] = [
        ("config", config.enable, list(config.disable)),
        (
            "env",
            split_names(env[ENV_ENABLE]) if env.get(ENV_ENABLE, "").strip() else None,
            split_names(env.get(ENV_DISABLE, "")),
        ),
        (
            "cli",
            split_names(list(cli_enable)) if cli_enable is not None else None,
            split_names(list(cli_disable)),
        ),
    ]
    enable: set[str] | None = None
    disable: set[str] = set()
    for name, layer_enable, layer_disable in layers:  # lowest first; later layers win
        if layer_enable is not None:
            enable = {normalize(n) for n in layer_enable}
            disable -= enable
            sources.append(f"enable from {name}")
        if layer_disable:
            disable |= {normalize(n) for n in layer_disable}
            sources.append(f"disable from {name}")

    autoload = config.autoload
    env_no_autoload = _env_flag(env, ENV_NO_AUTOLOAD)
    if env_no_autoload is not None:
        autoload = not env_no_autoload
    if cli_no_autoload:
        autoload = False

    add = {normalize(n) for n in split_names(list(cli_add))}
    if add:
        disable -= add
        if enable is not None or not autoload:
            # Without autoload, an explicit -p NAME is an enable list of its own.
            enable = (enable or set()) | add
        sources.append("add from cli")

    strict = config.strict
    env_strict = _env_flag(env, ENV_STRICT)
    if env_strict is not None:
        strict = env_strict
    strict = strict or cli_strict

    return PluginSelection(
        enable=frozenset(enable) if enable is not None else None,
        disable=frozenset(disable),
        required=tuple(config.required),
        autoload=autoload,
        strict=strict,
        sources=tuple(sources),
    )
