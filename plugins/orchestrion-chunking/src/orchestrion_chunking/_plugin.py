"""The ``chunking`` plugin: registrations and requirement analysis."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from orchestrion import ComponentType, Condition, Config, DataProfile, hookimpl

from ._options import SplitOptions, TooLongParams
from ._settings import SECTION, ChunkingSettings
from ._splitter import Splitter
from ._text import JSON_SCAN_LIMIT, has_long_json_string, has_long_string

__all__ = ["ChunkingPlugin", "plugin"]

# Formats of text that is split as a whole when it is too long. JSON is
# handled apart (only a long string inside it is worth splitting); JSON Lines
# and CSV are records, which are split by record, never by size.
_TEXT_FORMATS = frozenset({"prose", "text"})


def _head(data: str | bytes | bytearray | memoryview) -> str:
    if isinstance(data, str):
        return data
    return bytes(data[:JSON_SCAN_LIMIT]).decode("utf-8", "replace")


def too_long(data: Any, profile: DataProfile, chars: int) -> bool:
    """Whether ``data`` holds text longer than ``chars``: text (or bytes) of that
    size that is prose or plain text, JSON text with a string literal that long, or a
    parsed mapping or list holding such a string."""
    if isinstance(data, str | bytes | bytearray | memoryview):
        if profile.size <= chars:
            return False
        if profile.format == "json":
            return has_long_json_string(_head(data), chars)
        return profile.format in _TEXT_FORMATS
    if isinstance(data, Mapping | Sequence):
        return has_long_string(data, chars)
    return False


def _too_long(data: Any, profile: DataProfile, params: TooLongParams) -> bool:
    return too_long(data, profile, params.chars)


class ChunkingPlugin:
    """The plugin object.

    Its requirement analysis asks for ``chunking.split`` when data holds text
    longer than ``threshold`` characters. The threshold comes from the
    ``[chunking]`` table of the orchestrator's configuration (see
    :class:`ChunkingSettings`); ``threshold`` given here wins over it, for an
    instance passed to an orchestrator in Python. The installed entry point is
    an instance without one, so the configuration applies.
    """

    orchestrion_plugin_name = "chunking"

    def __init__(self, *, threshold: int | None = None) -> None:
        if threshold is not None and threshold < 0:
            msg = f"threshold must be >= 0, got {threshold}"
            raise ValueError(msg)
        #: The threshold given to the constructor (``None``: from configuration).
        self.threshold = threshold
        overrides = {} if threshold is None else {"threshold": threshold}
        self._overrides = overrides

    def settings(self, config: Config) -> ChunkingSettings:
        """The settings this plugin uses under ``config`` (parsed once per Config).

        :raises ConfigError: naming the bad key of the ``[chunking]`` table.
        """
        return config.plugin_settings(SECTION, ChunkingSettings, self._overrides)

    @hookimpl
    def register_components(
        self, register: Callable[[ComponentType[Any]], None], config: Config
    ) -> None:
        """Register ``chunking.split``; a bad ``[chunking]`` table fails here, when
        the orchestrator is built, rather than at the first routed item."""
        self.settings(config)
        register(
            ComponentType(
                name="chunking.split",
                factory=Splitter,
                options=SplitOptions,
                description=(
                    "Split text into chunks of at most max_size characters, words or tokens, "
                    "cut at paragraph, sentence or word boundaries, with optional overlap; "
                    "each chunk carries its index and character offsets."
                ),
                capabilities=frozenset({"text.chunking"}),
                after=("json.parse",),
                emits="many",
            )
        )

    @hookimpl
    def register_conditions(self, register: Callable[[Condition[Any]], None]) -> None:
        """Register ``chunking.too_long``."""
        register(
            Condition(
                name="chunking.too_long",
                check=_too_long,
                params=TooLongParams,
                description=(
                    "The data is text longer than `chars` characters, or JSON or a "
                    "structure holding a string that long."
                ),
            )
        )

    @hookimpl
    def analyze_requirements(
        self, data: Any, profile: DataProfile, config: Config
    ) -> Sequence[str] | None:
        """Text longer than the threshold needs ``chunking.split``."""
        threshold = self.settings(config).threshold
        return ["chunking.split"] if too_long(data, profile, threshold) else None


#: The instance the ``orchestrion`` entry point names.
plugin = ChunkingPlugin()
