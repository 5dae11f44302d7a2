"""The ``chunking`` plugin: registrations and requirement analysis."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from orchestrion import ComponentType, Condition, DataProfile, hookimpl

from ._options import DEFAULT_THRESHOLD, SplitOptions, TooLongParams
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
    """The plugin object: ``threshold`` is the text length, in characters, above
    which :meth:`analyze_requirements` asks for ``chunking.split``.

    The installed entry point is an instance with the default threshold. For
    another, disable the installed plugin (``plugins.disable = ["chunking"]``)
    and pass ``ChunkingPlugin(threshold=...)`` to the orchestrator.
    """

    orchestrion_plugin_name = "chunking"

    def __init__(self, *, threshold: int = DEFAULT_THRESHOLD) -> None:
        if threshold < 0:
            msg = f"threshold must be >= 0, got {threshold}"
            raise ValueError(msg)
        self.threshold = threshold

    @hookimpl
    def register_components(self, register: Callable[[ComponentType[Any]], None]) -> None:
        """Register ``chunking.split``."""
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
    def analyze_requirements(self, data: Any, profile: DataProfile) -> Sequence[str] | None:
        """Text longer than the threshold needs ``chunking.split``."""
        return ["chunking.split"] if too_long(data, profile, self.threshold) else None


#: The instance the ``orchestrion`` entry point names.
plugin = ChunkingPlugin()
