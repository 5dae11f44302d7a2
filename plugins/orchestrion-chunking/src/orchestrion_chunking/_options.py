"""The options of ``chunking.split`` and the parameters of ``chunking.too_long``."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["DEFAULT_THRESHOLD", "SplitOptions", "TooLongParams"]

#: Characters of text above which data is considered too long to process whole
#: (the default of ``chunking.too_long`` and of the plugin's requirement analysis).
DEFAULT_THRESHOLD = 4000


class SplitOptions(BaseModel):
    """Options of ``chunking.split``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: Literal["characters", "words", "tokens"] = Field(
        default="characters",
        description=(
            "What max_size, min_size and overlap count: 'characters' (Unicode code points), "
            "'words' (runs of letters/digits, and each punctuation mark, as matched by the "
            r"regex \w+|[^\w\s]) or 'tokens' (OpenAI BPE tokens of tokenizer_model; the "
            "vocabularies ship inside semantic-text-splitter, so no download is needed)."
        ),
    )
    max_size: int = Field(
        default=2000,
        ge=1,
        description="The largest a chunk may be, in units of unit.",
    )
    min_size: int | None = Field(
        default=None,
        ge=1,
        description=(
            "When set, a chunk counts as full once it reaches this size, so chunks land "
            "between min_size and max_size and cut at better boundaries; when unset, "
            "chunks are filled as close to max_size as the boundaries allow."
        ),
    )
    overlap: int = Field(
        default=0,
        ge=0,
        description=(
            "At most this many units of each chunk's end are repeated at the start of "
            "the next chunk; must be smaller than max_size."
        ),
    )
    syntax: Literal["text", "markdown"] = Field(
        default="text",
        description=(
            "Which boundaries to prefer. 'text': paragraphs (runs of line breaks), then "
            "sentences, words, grapheme clusters, characters. 'markdown': also headings, "
            "lists, code blocks and other Markdown elements."
        ),
    )
    trim: bool = Field(
        default=False,
        description=(
            "Strip whitespace from both ends of every chunk. Off by default, so that "
            "without overlap the chunks concatenate back to the input exactly; offsets "
            "always point at the chunk text as emitted."
        ),
    )
    tokenizer_model: str = Field(
        default="gpt-4o",
        min_length=1,
        description=(
            "OpenAI model whose tokenizer counts tokens when unit is 'tokens' "
            "(e.g. 'gpt-4o' for o200k_base, 'gpt-4' or 'gpt-3.5-turbo' for cl100k_base)."
        ),
    )
    pointer: str | None = Field(
        default=None,
        description=(
            "JSON Pointer (RFC 6901) to the string to split when the input is a mapping "
            "or list, e.g. '/body'. Unset: the longest string anywhere in the structure. "
            "Ignored for text input."
        ),
    )

    @model_validator(mode="after")
    def _sizes_agree(self) -> Self:
        if self.overlap >= self.max_size:
            msg = f"overlap ({self.overlap}) must be smaller than max_size ({self.max_size})"
            raise ValueError(msg)
        if self.min_size is not None and self.min_size > self.max_size:
            msg = f"min_size ({self.min_size}) must not exceed max_size ({self.max_size})"
            raise ValueError(msg)
        if self.pointer is not None and self.pointer and not self.pointer.startswith("/"):
            msg = f"pointer {self.pointer!r} must be empty or start with '/' (RFC 6901)"
            raise ValueError(msg)
        return self


class TooLongParams(BaseModel):
    """Parameters of the ``chunking.too_long`` condition."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    chars: int = Field(
        default=DEFAULT_THRESHOLD,
        ge=0,
        description=(
            "Threshold in characters (in bytes for bytes input): text longer than this, "
            "or a structure holding a string longer than this, is too long."
        ),
    )
