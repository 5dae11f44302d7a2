"""Orchestrion plugin ``chunking``: split long text into boundary-aware chunks.

Registers the component type ``chunking.split`` (emits many :class:`Chunk`
items), the condition ``chunking.too_long``, and asks for ``chunking.split``
when data holds text longer than the threshold of the ``[chunking]``
configuration table (:class:`ChunkingSettings`).
"""

from __future__ import annotations

from ._options import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD
from ._options import SplitOptions as SplitOptions
from ._options import TooLongParams as TooLongParams
from ._plugin import ChunkingPlugin as ChunkingPlugin
from ._settings import ChunkingSettings as ChunkingSettings
from ._splitter import Chunk as Chunk
from ._splitter import Splitter as Splitter
from ._splitter import count_words as count_words

__all__ = [
    "Chunk",
    "ChunkingPlugin",
    "ChunkingSettings",
    "DEFAULT_THRESHOLD",
    "SplitOptions",
    "Splitter",
    "TooLongParams",
    "count_words",
]
