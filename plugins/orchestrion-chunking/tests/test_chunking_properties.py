"""Property tests of chunking.split: size bound, lossless concatenation, offsets.

Sizes are in the option's unit; offsets count characters. With ``trim=False``
(the default) and no overlap the chunks concatenate back to the input. With
``trim=True`` what lies between consecutive chunks is whitespace only.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrion_chunking import Chunk, SplitOptions, Splitter, count_words

# Text that exercises every boundary level: paragraphs, lines, sentences,
# words, punctuation, combining marks, emoji and other scripts.
_PIECES = st.sampled_from(
    [
        "word", "other", "x", "Hello", "naïve", "e\u0301", "日本語", "😀", "👩\u200d👩\u200d👧",
        " ", "  ", "\t", "\n", "\n\n", "\r\n", ". ", "! ", "? ", ", ", "-", "3.14", "\u00a0",
    ]
)  # fmt: skip
TEXT = st.lists(_PIECES | st.text(max_size=5), max_size=120).map("".join)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@functools.cache
def _o200k() -> Any:
    return pytest.importorskip("bpe_openai").get_encoding("o200k_base")


def _check_offsets(source: str, chunks: list[Chunk]) -> None:
    assert [c["index"] for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert source[c["start"] : c["end"]] == c["text"]
    starts = [c["start"] for c in chunks]
    assert starts == sorted(starts)


@FAST
@given(
    text=TEXT,
    max_size=st.integers(1, 60),
    syntax=st.sampled_from(["text", "markdown"]),
    trim=st.booleans(),
)
def test_character_chunks_never_exceed_max_size(
    text: str, max_size: int, syntax: str, trim: bool
) -> None:
    """No chunk is longer than max_size characters and every offset slices to its chunk."""
    splitter = Splitter(SplitOptions(max_size=max_size, syntax=syntax, trim=trim))
    chunks = splitter.split(text)
    assert all(len(c["text"]) <= max_size for c in chunks)
    _check_offsets(text, chunks)


@FAST
@given(text=TEXT, max_size=st.integers(1, 60), unit=st.sampled_from(["characters", "words"]))
def test_untrimmed_chunks_without_overlap_concatenate_to_the_input(
    text: str, max_size: int, unit: str
) -> None:
    """With trim off and no overlap the chunks are consecutive and join to the input."""
    chunks = Splitter(SplitOptions(max_size=max_size, unit=unit)).split(text)
    assert "".join(c["text"] for c in chunks) == text
    assert all(a["end"] == b["start"] for a, b in itertools.pairwise(chunks))


@FAST
@given(text=TEXT, max_size=st.integers(1, 60))
def test_trimmed_chunks_leave_only_whitespace_between_them(text: str, max_size: int) -> None:
    """With trim on, source text outside the chunks is whitespace and chunks do not overlap."""
    chunks = Splitter(SplitOptions(max_size=max_size, trim=True)).split(text)
    edges = [0, *(x for c in chunks for x in (c["start"], c["end"])), len(text)]
    for gap_start, gap_end in zip(edges[::2], edges[1::2], strict=True):
        assert gap_start <= gap_end
        assert text[gap_start:gap_end].strip() == ""
    assert all(c["text"] for c in chunks)


@FAST
@given(
    text=TEXT,
    max_size=st.integers(2, 60),
    data=st.data(),
    unit=st.sampled_from(["characters", "words"]),
)
def test_overlapping_chunks_stay_bounded_and_cover_the_input(
    text: str, max_size: int, data: st.DataObject, unit: str
) -> None:
    """With overlap, chunks stay within max_size and together cover every character."""
    overlap = data.draw(st.integers(0, max_size - 1))
    options = SplitOptions(max_size=max_size, overlap=overlap, unit=unit)
    chunks = Splitter(options).split(text)
    measure = len if unit == "characters" else count_words
    assert all(measure(c["text"]) <= max_size for c in chunks)
    _check_offsets(text, chunks)
    covered = 0
    for c in chunks:
        assert c["start"] <= covered
        covered = max(covered, c["end"])
    assert covered == len(text)


@FAST
@given(text=TEXT, max_size=st.integers(1, 30))
def test_word_chunks_never_exceed_max_size(text: str, max_size: int) -> None:
    """In the words unit no chunk holds more than max_size words and punctuation marks."""
    chunks = Splitter(SplitOptions(max_size=max_size, unit="words", trim=True)).split(text)
    assert all(count_words(c["text"]) <= max_size for c in chunks)
    _check_offsets(text, chunks)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT, max_size=st.integers(4, 40))
def test_token_chunks_never_exceed_max_size(text: str, max_size: int) -> None:
    """In the tokens unit no chunk holds more than max_size o200k tokens.

    From 4 tokens up, since one character can take up to 4 byte-level tokens
    and the splitter cannot cut inside a character.
    """
    encoding = _o200k()
    options = SplitOptions(max_size=max_size, unit="tokens", tokenizer_model="gpt-4o")
    chunks = Splitter(options).split(text)
    assert all(len(encoding.encode(c["text"])) <= max_size for c in chunks)
    assert "".join(c["text"] for c in chunks) == text
