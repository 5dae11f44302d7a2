"""chunking.split: what the component emits for text, bytes and structures."""

from __future__ import annotations

import itertools

import pytest
from pydantic import ValidationError

from orchestrion.exceptions import ConfigError, ParseError, PermanentError
from orchestrion.testing import make_step_context
from orchestrion_chunking import Chunk, SplitOptions, Splitter, count_words

CTX = make_step_context("chunking.split")

PROSE = (
    "The first paragraph has two sentences. It is short.\n\n"
    "The second paragraph is a little longer than the first one. It has three "
    "sentences. This is the third.\n\n"
    "Last paragraph."
)


def split(data: object, **options: object) -> list[Chunk]:
    """Run a splitter built from ``options`` on ``data``."""
    return Splitter(SplitOptions.model_validate(options)).process(data, CTX)


def test_chunks_carry_index_text_and_offsets() -> None:
    """Every chunk has its position, its text and offsets that slice the source to it."""
    chunks = split(PROSE, max_size=60)
    assert [c["index"] for c in chunks] == list(range(len(chunks)))
    assert len(chunks) > 2
    for c in chunks:
        assert PROSE[c["start"] : c["end"]] == c["text"]
        assert set(c) == {"index", "text", "start", "end"}


def test_paragraphs_are_kept_whole_when_they_fit() -> None:
    """Paragraphs that fit are kept whole rather than filled up with part of the next."""
    chunks = split(PROSE, max_size=110, trim=True)
    assert [c["text"] for c in chunks] == [
        "The first paragraph has two sentences. It is short.",
        "The second paragraph is a little longer than the first one. It has three "
        "sentences. This is the third.",
        "Last paragraph.",
    ]


def test_sentences_are_the_next_boundary() -> None:
    """A paragraph too long for one chunk is cut between sentences."""
    chunks = split(PROSE, max_size=70, trim=True)
    texts = [c["text"] for c in chunks]
    assert "The second paragraph is a little longer than the first one." in texts


def test_chunks_concatenate_to_the_input_by_default() -> None:
    """Without trimming or overlap nothing is lost or repeated."""
    chunks = split(PROSE, max_size=25)
    assert "".join(c["text"] for c in chunks) == PROSE


def test_trim_strips_whitespace_but_offsets_still_point_at_the_text() -> None:
    """Trimmed chunks have no surrounding whitespace and their offsets move with them."""
    chunks = split(PROSE, max_size=60, trim=True)
    for c in chunks:
        text = c["text"]
        assert text == text.strip()
        assert PROSE[c["start"] : c["end"]] == text


def test_overlap_repeats_the_end_of_a_chunk_in_the_next() -> None:
    """With overlap, consecutive chunks share text and starts move backwards."""
    text = " ".join(f"word{i}" for i in range(200))
    chunks = split(text, max_size=50, overlap=20)
    overlapping = sum(1 for a, b in itertools.pairwise(chunks) if b["start"] < a["end"])
    assert overlapping >= len(chunks) // 2
    for c in chunks:
        assert len(c["text"]) <= 50


def test_min_size_makes_a_range() -> None:
    """With min_size, no chunk but the last is shorter than min_size when words allow it."""
    text = " ".join(["alpha beta gamma delta"] * 50)
    chunks = split(text, min_size=30, max_size=60)
    assert all(30 <= len(c["text"]) <= 60 for c in chunks[:-1])


def test_words_unit_counts_words_and_punctuation() -> None:
    """The words unit bounds chunks by count_words, not by characters."""
    assert count_words("Hello, world! It's 3.5 km.") == 12
    text = " ".join(f"w{i}." for i in range(300))
    chunks = split(text, unit="words", max_size=40)
    assert all(count_words(c["text"]) <= 40 for c in chunks)
    assert "".join(c["text"] for c in chunks) == text


def test_tokens_unit_works_offline() -> None:
    """The tokens unit uses the BPE vocabulary bundled with the library (no download)."""
    text = "Tokenizers count subword pieces, not characters. " * 40
    chunks = split(text, unit="tokens", max_size=16, tokenizer_model="gpt-4o")
    assert len(chunks) > 10
    assert "".join(c["text"] for c in chunks) == text


def test_unknown_tokenizer_model_is_a_config_error() -> None:
    """A model the library has no tokenizer for fails when the component is built."""
    with pytest.raises(ConfigError, match="tokenizer_model"):
        Splitter(SplitOptions(unit="tokens", tokenizer_model="no-such-model"))


def test_markdown_syntax_prefers_markdown_elements() -> None:
    """With markdown syntax a heading starts a new chunk."""
    doc = "# Title\n\nIntro text here.\n\n## Part two\n\nMore text follows in this part."
    chunks = split(doc, max_size=45, syntax="markdown", trim=True)
    assert any(c["text"].startswith("## Part two") for c in chunks)


def test_bytes_are_decoded_as_utf8() -> None:
    """UTF-8 bytes are split like the text they encode, offsets counting characters."""
    text = "Grüße aus Köln. " * 20
    chunks = split(text.encode(), max_size=40)
    assert "".join(c["text"] for c in chunks) == text
    assert chunks[1]["start"] == len(str(chunks[0]["text"]))


def test_invalid_utf8_is_a_parse_error_with_a_position() -> None:
    """Bytes that are not UTF-8 fail the step with a ParseError locating the byte."""
    with pytest.raises(ParseError, match="byte 6") as info:
        split(b"line1\n\xffbad", max_size=10)
    assert (info.value.line, info.value.column) == (2, 1)


def test_structures_split_the_string_at_pointer() -> None:
    """For a mapping, pointer picks the string and every chunk records it."""
    doc = {"meta": {"title": "T"}, "body": PROSE}
    chunks = split(doc, max_size=60, pointer="/body")
    assert "".join(c["text"] for c in chunks) == PROSE
    assert {c["pointer"] for c in chunks} == {"/body"}


def test_structures_default_to_their_longest_string() -> None:
    """Without pointer the longest string anywhere in the structure is split."""
    doc = {"a": "short", "items": [{"x": 1}, {"text/with~chars": PROSE}]}
    chunks = split(doc, max_size=80)
    assert {c["pointer"] for c in chunks} == {"/items/1/text~1with~0chars"}


@pytest.mark.parametrize(
    ("data", "pointer", "message"),
    [
        ({"a": 1}, "/b", "no key"),
        ({"a": [1]}, "/a/5", "out of range"),
        ({"a": [1]}, "/a/x", "not an array index"),
        ({"a": 1}, "/a/b", "no members"),
        ({"a": 1}, "/a", "not a string"),
        ({"a": 1, "b": [2]}, None, "no string"),
        (42, None, "takes text"),
    ],
)
def test_bad_input_is_a_permanent_error(data: object, pointer: str | None, message: str) -> None:
    """Input without text to split fails the step with a non-retryable error naming why."""
    with pytest.raises(PermanentError, match=message):
        split(data, max_size=10, pointer=pointer)


def test_empty_text_gives_no_chunks() -> None:
    """Nothing to split emits nothing."""
    assert split("", max_size=10) == []


@pytest.mark.parametrize(
    "options",
    [
        {"max_size": 0},
        {"max_size": 10, "overlap": 10},
        {"max_size": 10, "min_size": 11},
        {"pointer": "body"},
        {"unit": "sentences"},
        {"max_sise": 10},
    ],
)
def test_bad_options_are_rejected(options: dict[str, object]) -> None:
    """Inconsistent or unknown options fail validation before any component is built."""
    with pytest.raises(ValidationError):
        SplitOptions.model_validate(options)
