"""The ``[chunking]`` configuration table, validated once per :class:`orchestrion.Config`
(see :meth:`orchestrion.Config.plugin_settings`).

::

    [chunking]
    threshold = 20000   # analyze_requirements asks for chunking.split above this
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ._options import DEFAULT_THRESHOLD

__all__ = ["SECTION", "ChunkingSettings"]

#: The plugin's top-level table in ``orchestrion.toml``.
SECTION = "chunking"


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
