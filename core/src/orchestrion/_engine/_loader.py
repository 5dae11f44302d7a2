"""Reading workflows from TOML, YAML and JSON files, with errors that name the
file and the key path."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..exceptions import ConfigError
from ._model import Workflow

__all__ = ["load_workflow", "loads_workflow", "workflow_from_mapping"]

_FORMATS = {".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}


def validation_message(error: ValidationError, *, prefix: str = "") -> tuple[str, str | None]:
    """``(message, key)`` for a pydantic error: one ``key.path: message`` per problem
    (pydantic's ``Value error,`` noise removed); ``key`` is set when there is one."""
    parts: list[str] = []
    keys: list[str] = []
    for item in error.errors():
        path = ".".join(str(p) for p in item["loc"])
        full = ".".join(p for p in (prefix, path) if p)
        text = item["msg"].removeprefix("Value error, ")
        parts.append(f"{full}: {text}" if full else text)
        keys.append(full)
    key = keys[0] if len(keys) == 1 and keys[0] else None
    if key is not None:
        return parts[0].removeprefix(f"{key}: "), key
    return "; ".join(parts), None


def workflow_from_mapping(data: Any, *, source: str | None = None) -> Workflow:
    """Validate a workflow mapping (as read from a file); :class:`ConfigError` naming
    the key path when it does not fit the model."""
    if not isinstance(data, Mapping):
        msg = f"a workflow must be a mapping of fields, got {type(data).__name__}"
        raise ConfigError(msg, source=source)
    try:
        return Workflow.model_validate(data)
    except ValidationError as exc:
        message, key = validation_message(exc)
        raise ConfigError(message, source=source, key=key) from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects duplicate keys (PyYAML keeps the last one
    silently, which would hide a duplicated step)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Hashable, Any]:
    loader.flatten_mapping(node)
    seen: dict[Hashable, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            line = key_node.start_mark.line + 1
            msg = f"duplicate key {key!r} at line {line}; every step needs its own name"
            raise ConfigError(msg)
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def loads_workflow(text: str, *, format: str, source: str | None = None) -> Workflow:
    """Parse a workflow from ``text`` in ``format`` (``toml``, ``yaml`` or ``json``)."""
    data: Any
    try:
        if format == "toml":
            data = tomllib.loads(text)
        elif format == "yaml":
            data = yaml.load(text, Loader=_UniqueKeyLoader)
        elif format == "json":
            data = json.loads(text, object_pairs_hook=_unique_pairs)
        else:
            data = _unknown_format(format, source)
    except ConfigError as exc:
        if exc.source is None:
            raise ConfigError(exc.message, source=source, key=exc.key) from None
        raise
    except (tomllib.TOMLDecodeError, yaml.YAMLError, json.JSONDecodeError) as exc:
        detail = " ".join(str(exc).split())
        msg = f"not valid {format.upper()}: {detail}"
        raise ConfigError(msg, source=source) from None
    if data is None:
        data = {}
    return workflow_from_mapping(data, source=source)


def _unknown_format(format: str, source: str | None) -> Any:
    msg = f"unknown workflow format {format!r}; use toml, yaml or json"
    raise ConfigError(msg, source=source)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            msg = f"duplicate key {key!r}; every step needs its own name"
            raise ConfigError(msg)
        out[key] = value
    return out


def load_workflow(path: str | Path) -> Workflow:
    """Load a workflow file: ``.toml``, ``.yaml``/``.yml`` or ``.json``.

    Raises :class:`ConfigError` naming the file (and the key path) when it cannot
    be read, parsed or does not fit the workflow model. Whether its component
    types and options are valid is checked by :meth:`Orchestrator.validate`.
    """
    path = Path(path)
    format = _FORMATS.get(path.suffix.lower())
    if format is None:
        msg = f"unknown workflow file type {path.suffix!r}; use .toml, .yaml, .yml or .json"
        raise ConfigError(msg, source=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = "workflow file not found"
        raise ConfigError(msg, source=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read workflow file: {exc}"
        raise ConfigError(msg, source=str(path)) from None
    return loads_workflow(text, format=format, source=str(path))
