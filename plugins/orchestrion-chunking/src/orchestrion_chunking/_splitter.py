"""The ``chunking.split`` component, built on semantic-text-splitter.

The library does the splitting (it picks the largest semantic unit that fits:
paragraphs, sentences, words, graphemes, characters); this module only builds
the right splitter from the options, finds the text and shapes the output.
"""

from __future__ import annotations

import re
from typing import Any, NotRequired, Protocol, TypedDict

from semantic_text_splitter import MarkdownSplitter, TextSplitter

from orchestrion import StepContext
from orchestrion.exceptions import ConfigError, PermanentError

from ._options import SplitOptions
from ._text import locate_text

__all__ = ["Chunk", "Splitter", "count_words"]

# A word is a run of letters or digits; each punctuation mark counts as one.
_WORD = re.compile(r"\w+|[^\w\s]")


def count_words(text: str) -> int:
    """The ``words`` unit: runs of letters/digits plus punctuation marks in ``text``."""
    return len(_WORD.findall(text))


class Chunk(TypedDict):
    """One chunk as emitted by ``chunking.split``.

    ``text == source[start:end]``, where ``source`` is the input text (or, for
    structured input, the string at ``pointer``); offsets count characters.
    """

    index: int
    text: str
    start: int
    end: int
    pointer: NotRequired[str]


class _Backend(Protocol):
    def chunk_indices(self, text: str) -> list[tuple[int, str]]: ...


def _build(options: SplitOptions) -> _Backend:
    cls: Any = MarkdownSplitter if options.syntax == "markdown" else TextSplitter
    capacity: int | tuple[int, int] = (
        options.max_size if options.min_size is None else (options.min_size, options.max_size)
    )
    kwargs = {"overlap": options.overlap, "trim": options.trim}
    if options.unit == "characters":
        backend: _Backend = cls(capacity, **kwargs)
    elif options.unit == "words":
        backend = cls.from_callback(count_words, capacity, **kwargs)
    else:
        try:
            backend = cls.from_tiktoken_model(options.tokenizer_model, capacity, **kwargs)
        except Exception as exc:
            # The library raises a bare Exception for an unknown model name.
            msg = (
                f"no tokenizer for model {options.tokenizer_model!r} ({exc}); "
                "use an OpenAI model name such as 'gpt-4o' or 'gpt-4'"
            )
            raise ConfigError(msg, key="tokenizer_model") from None
    return backend


class Splitter:
    """Splits text into chunks no larger than ``max_size`` units, preferring
    semantic boundaries, each chunk with its index and character offsets.

    ``process`` is synchronous on purpose: splitting is CPU work, so the engine
    runs it in a worker thread and the event loop stays free.
    """

    def __init__(self, options: SplitOptions) -> None:
        self.options = options
        self._backend = _build(options)

    def split(self, text: str) -> list[Chunk]:
        """Split ``text`` and return its chunks in order."""
        try:
            pieces = self._backend.chunk_indices(text)
        except BaseException as exc:
            # A panic inside the Rust extension surfaces as pyo3's PanicException,
            # a BaseException; it is a bad-input failure of this step, not a crash.
            if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
                raise
            msg = f"the splitter failed on a text of {len(text)} characters: {exc}"
            raise PermanentError(msg) from exc
        return [
            Chunk(index=i, text=piece, start=start, end=start + len(piece))
            for i, (start, piece) in enumerate(pieces)
        ]

    def process(self, data: Any, ctx: StepContext) -> list[Chunk]:
        """Split the text in ``data`` (text, UTF-8 bytes, or a mapping or list
        holding text; see the ``pointer`` option) into chunks."""
        text, pointer = locate_text(data, self.options.pointer)
        chunks = self.split(text)
        if pointer is not None:
            for chunk in chunks:
                chunk["pointer"] = pointer
        return chunks
