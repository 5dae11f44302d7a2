"""The ``[numeric]`` configuration table, parsed once per :class:`orchestrion.Config`.

::

    [numeric]
    min_count = 10      # analyze_requirements asks for numeric.extract and
    min_ratio = 0.1     # numeric.stats only for data this rich in numbers
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from orchestrion import Config, ConfigError

from ._options import HasNumbersParams

__all__ = ["NumericSettings", "SettingsCache", "parse_settings"]

#: The plugin's top-level table in ``orchestrion.toml``.
SECTION = "numeric"

_T = TypeVar("_T")


class NumericSettings(HasNumbersParams):
    """The ``[numeric]`` table: the ``numeric.has_numbers`` parameters with which
    the plugin's requirement analysis decides that data is numeric (and so asks
    for ``numeric.extract`` then ``numeric.stats``)."""


def parse_settings(config: Config, overrides: dict[str, Any] | None = None) -> NumericSettings:
    """The ``[numeric]`` table of ``config``, validated, with ``overrides`` (values
    given to the plugin's constructor) taking precedence key by key.

    :raises ConfigError: naming the file and the first bad key (``numeric.min_count``, say).
    """
    values = {**config.section(SECTION), **(overrides or {})}
    try:
        return NumericSettings.model_validate(values)
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
