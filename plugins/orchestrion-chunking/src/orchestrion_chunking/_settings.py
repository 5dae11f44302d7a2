"""The ``[chunking]`` configuration table, parsed once per :class:`orchestrion.Config`.

::

    [chunking]
    threshold = 20000   # analyze_requirements asks for chunking.split above this
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from orchestrion import Config, ConfigError

from ._options import DEFAULT_THRESHOLD

__all__ = ["ChunkingSettings", "SettingsCache", "parse_settings"]

#: The plugin's top-level table in ``orchestrion.toml``.
SECTION = "chunking"

_T = TypeVar("_T")


class ChunkingSettings(BaseModel):
    """The ``[chunking]`` table: how the plugin's requirement analysis decides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: int = Field(
        default=DEFAULT_THRESHOLD,
        ge=0,
        description=(
            "Characters of text (bytes for bytes input) above which analyze_requirements "
            "asks for chunking.split: prose or plain text longer than this, or JSON (text "
            "or parsed) holding a string that long."
        ),
    )


def parse_settings(config: Config, overrides: dict[str, Any] | None = None) -> ChunkingSettings:
    """The ``[chunking]`` table of ``config``, validated, with ``overrides`` (values
    given to the plugin's constructor) taking precedence key by key.

    :raises ConfigError: naming the file and the first bad key (``chunking.threshold``).
    """
    values = {**config.section(SECTION), **(overrides or {})}
    try:
        return ChunkingSettings.model_validate(values)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        keys = [".".join([SECTION, *map(str, e["loc"])]) for e in errors]
        # The first key is the error's key (its message prefix); the others are named inline.
        problems = [errors[0]["msg"]]
        problems += [f"{key}: {e['msg']}" for key, e in zip(keys[1:], errors[1:], strict=True)]
        msg = f"{'; '.join(problems)}; fix the [{SECTION}] table or drop the key for the default"
        raise ConfigError(msg, source=config.source, key=keys[0]) from None


class SettingsCache(Generic[_T]):
    """Settings parsed once per :class:`orchestrion.Config` object.

    ``analyze_requirements`` runs for every routed item, so the table is not
    re-validated each time. Config is not hashable (it holds lists), so entries
    are keyed by ``id`` and hold a weak reference: an entry is used only while
    its Config is alive and is dropped when the Config is collected, so neither
    a reused ``id`` nor a long-lived process with many orchestrators is a problem.
    """

    def __init__(self, parse: Callable[[Config], _T]) -> None:
        self._parse = parse
        self._entries: dict[int, tuple[weakref.ref[Config], _T]] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, config: Config) -> _T:
        """The settings for ``config``, parsed on first use.

        :raises ConfigError: when the table does not validate (not cached, so
            every use reports it).
        """
        key = id(config)
        entry = self._entries.get(key)
        if entry is not None and entry[0]() is config:
            return entry[1]
        settings = self._parse(config)
        entries = self._entries

        def forget(ref: weakref.ref[Config]) -> None:
            current = entries.get(key)
            if current is not None and current[0] is ref:
                del entries[key]

        entries[key] = (weakref.ref(config, forget), settings)
        return settings
