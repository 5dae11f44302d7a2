"""payload_summary: sizes and bounded hashes instead of payload copies."""

from __future__ import annotations

import hashlib

from orchestrion.events import HASH_LIMIT, payload_summary


def test_small_bytes_are_hashed_whole() -> None:
    """Binary data under the limit is hashed entirely."""
    data = b"hello world"
    assert payload_summary(data) == {
        "type": "bytes",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "hashed": len(data),
    }


def test_large_bytes_hash_only_a_bounded_prefix() -> None:
    """Data over the limit is hashed over its first HASH_LIMIT bytes; size is the whole."""
    data = bytes(range(256)) * 1024  # 256 KiB
    summary = payload_summary(bytearray(data))
    assert summary["size"] == len(data)
    assert summary["hashed"] == HASH_LIMIT
    assert summary["sha256"] == hashlib.sha256(data[:HASH_LIMIT]).hexdigest()
    assert summary["type"] == "bytearray"


def test_text_is_hashed_as_utf8_and_sized_in_characters() -> None:
    """Text size counts characters; the hash is of its UTF-8 encoding."""
    text = "héllo"
    summary = payload_summary(text, hash_limit=3)
    assert summary["size"] == 5
    assert summary["hashed"] == 3
    assert summary["sha256"] == hashlib.sha256("hél".encode()).hexdigest()


def test_structured_data_is_counted_not_serialised() -> None:
    """Collections report their item count and no hash."""
    assert payload_summary({"a": 1, "b": 2}) == {
        "type": "dict",
        "size": 2,
        "sha256": None,
        "hashed": 0,
    }


class Record:
    """A user type without a length."""


class Broken:
    """A user type whose __len__ fails."""

    def __len__(self) -> int:
        raise RuntimeError("no")


def test_objects_without_length_have_no_size_and_a_qualified_type() -> None:
    """Objects without a (working) len report size None and a module-qualified type."""
    summary = payload_summary(Record())
    assert summary["size"] is None
    assert summary["type"] == f"{__name__}.Record"
    assert payload_summary(Broken())["size"] is None
    assert payload_summary(None)["type"] == "NoneType"
