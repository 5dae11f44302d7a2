"""Data profiles: cheap, bounded summaries computed without copying the data."""

from __future__ import annotations

import time
from typing import Any

import pytest

from orchestrion import DataProfile, profile_of


@pytest.mark.parametrize(
    ("data", "kind", "fmt", "size"),
    [
        ('{"a": [1, 2]}', "text", "json", 13),
        ("[1, 2, 3]", "text", "json", 9),
        ('{"a": 1}\n{"a": 2}\n', "text", "jsonl", 18),
        ("a,b,c\n1,2,3\n4,5,6\n", "text", "csv", 18),
        ("The quick brown fox jumps over the lazy dog.", "text", "prose", 44),
        ("2024-05-01 12:00:00 ERROR disk full", "text", "text", 35),
        ("[INFO] started worker 3", "text", "text", 23),
        ("42", "text", "json", 2),
        ("", "text", "text", 0),
        ("héllo wörld".encode(), "bytes", "text", 13),
        (b'{"a": 1}', "bytes", "json", 8),
        (b"\x00\x9f\x92\x96binary", "bytes", "binary", 10),
        (bytearray(b"abc"), "bytes", "text", 3),
        (memoryview(b"abcd"), "bytes", "text", 4),
        ({"a": 1, "b": 2}, "mapping", "mapping", 2),
        ([1, 2, 3], "sequence", "sequence", 3),
        ((1, 2), "sequence", "sequence", 2),
        (3.5, "other", "other", 0),
        (None, "other", "other", 0),
    ],
)
def test_profile_fields(data: Any, kind: str, fmt: str, size: int) -> None:
    """Kind, detected format and size (bytes, characters or items) are as documented."""
    profile = profile_of(data)
    assert (profile.kind, profile.format, profile.size) == (kind, fmt, size)
    assert profile.python_type == type(data).__name__


def test_mapping_keys_are_bounded_and_length_is_exact() -> None:
    """A big mapping lists at most 32 keys, as strings, and its full length."""
    profile = profile_of({i: i for i in range(1000)})
    assert profile.keys is not None
    assert len(profile.keys) == 32
    assert profile.keys[:3] == ("0", "1", "2")
    assert profile.length == 1000


def test_a_cut_multibyte_character_at_the_sniff_limit_is_still_text() -> None:
    """Bytes whose sniffed head ends inside a UTF-8 sequence are not called binary."""
    data = ("a" * 4095 + "é" * 10).encode()
    assert profile_of(data).format != "binary"


def test_profiling_is_bounded_for_huge_inputs() -> None:
    """A 50 MB text is profiled in far less time than reading it once would take."""
    small = "x " * 2000
    huge = "x " * 25_000_000
    start = time.perf_counter()
    for _ in range(100):
        profile_of(small)
    small_time = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(100):
        profile_of(huge)
    huge_time = time.perf_counter() - start
    # Same work whatever the size: within a generous factor, never proportional (x12,500).
    assert huge_time < small_time * 20 + 0.05
    assert profile_of(huge).size == 50_000_000


def test_a_huge_json_document_is_recognised_from_head_and_tail() -> None:
    """JSON is told from a bracketed log line by its closing bracket, read from the tail."""
    doc = "[" + ",".join(["1"] * 100_000) + "]"
    assert profile_of(doc).format == "json"
    assert profile_of(doc[:-1]).format == "text"


def test_profiles_are_hashable_values_without_the_payload() -> None:
    """Equal summaries are equal keys, and a profile holds only small scalars."""
    a, b = profile_of("hello"), profile_of("world")
    assert a == b
    assert hash(a) == hash(b)
    assert all(isinstance(v, str | int | tuple | type(None)) for v in a.to_dict().values())
    assert isinstance(a, DataProfile)
    assert a.summary() == "str, 5 chars, format text"
