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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .exceptions import ConfigError

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


class Config(BaseModel):
    """The whole configuration. Build it in Python or load it with :func:`load_config`."""

    model_config = ConfigDict(extra="allow", frozen=True)

    plugins: PluginsConfig = Field(default_factory=PluginsConfig)
    source: str | None = Field(
        default=None, exclude=True, description="The file this was loaded from."
    )

    def section(self, name: str) -> Mapping[str, Any]:
        """A plugin-owned top-level table (``{}`` when absent)."""
        extra = self.model_extra or {}
        value = extra.get(name, {})
        if not isinstance(value, Mapping):
            msg = f"[{name}] must be a table, got {type(value).__name__}"
            raise ConfigError(msg, source=self.source, key=name)
        return value


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
