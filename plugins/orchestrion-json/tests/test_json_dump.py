"""json.dump: canonical, compact and pretty output, and values JSON cannot hold."""

from __future__ import annotations

import pytest

from orchestrion import StepContext
from orchestrion.exceptions import PermanentError
from orchestrion_json import DumpOptions, dump_json
from orchestrion_json._dump import JsonDumper

VALUE = {"b": [1, 2.5, None], "a": {"z": True, "y": "é"}}


def test_canonical_sorts_keys_without_whitespace(ctx: StepContext) -> None:
    """Canonical output sorts keys at every level and has no insignificant whitespace."""
    out = JsonDumper(DumpOptions()).process(VALUE, ctx)
    assert out == '{"a":{"y":"é","z":true},"b":[1,2.5,null]}'


def test_canonical_is_independent_of_key_order(ctx: StepContext) -> None:
    """Two equal mappings built in different orders dump identically."""
    dumper = JsonDumper(DumpOptions(style="canonical"))
    reordered = {"a": {"y": "é", "z": True}, "b": [1, 2.5, None]}
    assert dumper.process(VALUE, ctx) == dumper.process(reordered, ctx)


def test_compact_keeps_insertion_order(ctx: StepContext) -> None:
    """Compact output keeps keys in insertion order."""
    assert (
        JsonDumper(DumpOptions(style="compact")).process({"b": 1, "a": 2}, ctx) == '{"b":1,"a":2}'
    )


def test_pretty_indents_by_two(ctx: StepContext) -> None:
    """Pretty output is indented by two spaces with sorted keys."""
    out = JsonDumper(DumpOptions(style="pretty")).process({"b": 1, "a": [1]}, ctx)
    assert out == '{\n  "a": [\n    1\n  ],\n  "b": 1\n}'


def test_as_bytes_returns_utf8(ctx: StepContext) -> None:
    """With as_bytes the output is UTF-8 bytes."""
    assert JsonDumper(DumpOptions(as_bytes=True)).process({"k": "é"}, ctx) == '{"k":"é"}'.encode()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_rejects_non_finite_numbers_naming_the_pointer(bad: float) -> None:
    """NaN and infinities fail with the JSON Pointer of the culprit instead of becoming null."""
    with pytest.raises(PermanentError, match=r"at /a/1/x~1y"):
        dump_json({"a": [None, {"x/y": bad}]}, DumpOptions())


def test_real_nulls_are_kept() -> None:
    """A document with genuine nulls and finite floats is written as is."""
    assert dump_json({"a": None, "b": 1.0}, DumpOptions()) == b'{"a":null,"b":1.0}'


@pytest.mark.parametrize("bad", [{1: "a"}, {"s": {1, 2}}, object()])
def test_rejects_unserialisable_values(bad: object) -> None:
    """Non-string keys and unsupported types fail with a PermanentError."""
    with pytest.raises(PermanentError, match="not JSON-serialisable"):
        dump_json(bad, DumpOptions())
