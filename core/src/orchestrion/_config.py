"""Configuration: the ``orchestrion.toml`` file (or ``[tool.orchestrion]`` in
``pyproject.toml``) as a validated model.

Sections the core owns are strict models. Any other top-level table is kept
as-is for the plugin that reads it (``[llm]``, say); plugins validate their own
sections with their own models.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from .exceptions import ConfigError

_M = TypeVar("_M", bound=BaseModel)

# One shared (read-only) absent table, so plugin_settings can cache it by identity.
_NO_TABLE: Mapping[str, Any] = MappingProxyType({})

__all__ = ["Config", "PluginsConfig", "find_config_file", "format_validation_error", "load_config"]


class PluginsConfig(BaseModel):
    """The ``[plugins]`` table: which plugins this project runs with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enable: list[str] | None = Field(
        default=None,
        description="Load only these plugins (entry-point or distribution names).",
    )
    disable: list[str] = Field(
        default_factory=list, description="Never load (or import) these plugins."
    )
    required: list[str] = Field(
        default_factory=list,
        description="Plugins that must be loaded, with optional version specifiers "
        "('orchestrion-json>=0.1'); a missing or too old one is an error.",
    )
    autoload: bool = Field(
        default=True, description="Load every installed plugin not otherwise selected."
    )
    strict: bool = Field(
        default=False, description="Make any plugin problem fatal instead of a warning."
    )


class _SettingsMemo:
    """The cache behind :meth:`Config.plugin_settings`.

    Pydantic compares private attributes in ``==``; a cache is not part of a
    Config's value, so every memo equals every other one.
    """

    def __init__(self) -> None:
        self.entries: dict[tuple[Any, ...], tuple[object, BaseModel]] = {}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SettingsMemo)

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __reduce__(self) -> tuple[type[_SettingsMemo], tuple[()]]:
        # A pickled or copied Config (sent to a worker, say) starts with an empty
        # cache: entries may hold unpicklable tables and models local to a plugin.
        return (_SettingsMemo, ())


class Config(BaseModel):
    """The whole configuration. Build it in Python or load it with :func:`load_config`."""

    model_config = ConfigDict(extra="allow", frozen=True)

    plugins: PluginsConfig = Field(default_factory=PluginsConfig)
    source: str | None = Field(
        default=None, exclude=True, description="The file this was loaded from."
    )
    # Validated plugin tables (see plugin_settings): plugins ask once per routed
    # item, so each table is validated once. The cache lives and dies with this
    # Config, so no weak references are needed.
    _plugin_settings: _SettingsMemo = PrivateAttr(default_factory=lambda: _SettingsMemo())

    def section(self, name: str) -> Mapping[str, Any]:
        """A plugin-owned top-level table (``{}`` when absent)."""
        extra = self.model_extra or {}
        value = extra.get(name, _NO_TABLE)
        if not isinstance(value, Mapping):
            msg = f"[{name}] must be a table, got {type(value).__name__}"
            raise ConfigError(msg, source=self.source, key=name)
        return value

    def plugin_settings(
        self, section: str, model: type[_M], overrides: Mapping[str, Any] | None = None
    ) -> _M:
        """The plugin-owned table ``[section]`` validated with ``model``, with
        ``overrides`` (values given to the plugin's constructor, say) taking
        precedence key by key.

        The result is cached on this Config, keyed by ``(section, model,
        overrides)``, so a plugin may call this for every routed item. Overrides
        that are not hashable skip the cache. Use a strict model
        (``extra="forbid"``) so a misspelt key is reported.

        :raises ConfigError: naming the file and the first bad key
            (``section.key``), with any further bad keys named in the message;
            the offending values are never echoed. Not cached, so every call
            reports it.
        """
        given = dict(overrides or {})
        try:
            cache_key: tuple[Any, ...] | None = (section, model, frozenset(given.items()))
            hash(cache_key)
        except TypeError:
            cache_key = None
        table = self.section(section)
        if cache_key is not None:
            cached = self._plugin_settings.entries.get(cache_key)
            # model_copy shares the memo, so an entry counts only for the very table
            # it was validated from.
            if cached is not None and cached[0] is table:
                return cached[1]  # type: ignore[return-value]  # stored under its own model
        values = {**table, **given}
        try:
            settings = model.model_validate(values)
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_input=False)
            keys = [".".join([section, *map(str, e["loc"])]) for e in errors]
            # The first key is the error's key (its message prefix); the others are named inline.
            problems = [errors[0]["msg"]]
            problems += [f"{key}: {e['msg']}" for key, e in zip(keys[1:], errors[1:], strict=True)]
            msg = (
                f"{'; '.join(problems)}; fix the [{section}] table or drop the key for the default"
            )
            raise ConfigError(msg, source=self.source, key=keys[0]) from None
        if cache_key is not None:
            self._plugin_settings.entries[cache_key] = (table, settings)
        return settings


def format_validation_error(error: ValidationError, *, prefix: str = "") -> str:
    """One line per problem: ``key.path: message``, from a pydantic error."""
    lines = []
    for item in error.errors():
        path = ".".join(str(p) for p in item["loc"])
        full = f"{prefix}.{path}" if prefix and path else (prefix or path)
        lines.append(f"{full}: {item['msg']}" if full else item["msg"])
    return "; ".join(lines)


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest ``orchestrion.toml``, or ``pyproject.toml`` with a
    ``[tool.orchestrion]`` table, in ``start`` or its parents."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "orchestrion.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if isinstance(data.get("tool"), dict) and "orchestrion" in data["tool"]:
                return pyproject
    return None


def load_config(path: str | Path | None = None, *, search: bool = True) -> Config:
    """Load configuration from ``path``, or find it (see :func:`find_config_file`).

    No file found is not an error: the defaults apply. A file that is not valid
    TOML, or whose core sections do not validate, raises :class:`ConfigError`
    naming the file and the key.
    """
    if path is None:
        found = find_config_file() if search else None
        if found is None:
            return Config()
        path = found
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = "config file not found"
        raise ConfigError(msg, source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read config file: {exc}"
        raise ConfigError(msg, source=str(path)) from None
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"not valid TOML: {exc}"
        raise ConfigError(msg, source=str(path)) from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("orchestrion", {})
    return config_from_mapping(data, source=str(path))


def config_from_mapping(data: Mapping[str, Any], *, source: str | None = None) -> Config:
    """Validate a configuration mapping (as read from TOML)."""
    try:
        return Config.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc), source=source) from None
