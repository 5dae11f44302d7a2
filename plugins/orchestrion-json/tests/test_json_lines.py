"""json.lines: JSON Lines fan-out with line-numbered errors."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from orchestrion import StepContext
from orchestrion.exceptions import ParseError
from orchestrion_json import LinesOptions, split_lines
from orchestrion_json._lines import JsonLinesSplitter


def test_splits_one_record_per_line_skipping_blanks(ctx: StepContext) -> None:
    """Each non-blank line becomes one parsed record, in order; CRLF endings work."""
    data = '{"a": 1}\r\n\n[2, 3]\r\n"four"\n'
    assert JsonLinesSplitter(LinesOptions()).process(data, ctx) == [{"a": 1}, [2, 3], "four"]
    assert split_lines(data.encode(), LinesOptions()) == [{"a": 1}, [2, 3], "four"]


def test_error_names_the_line_counting_blank_lines() -> None:
    """A bad record fails with its 1-based line number in the file (blank lines counted)."""
    data = '{"a": 1}\n\n{"b": }\n{"c": 3}\n'
    with pytest.raises(ParseError, match="line 3") as info:
        split_lines(data, LinesOptions())
    assert (info.value.line, info.value.column) == (3, 7)


def test_limits_apply_per_line() -> None:
    """max_depth applies to each record and the failing line is named."""
    with pytest.raises(ParseError, match="line 2: nesting deeper than max_depth=2"):
        split_lines("[[1]]\n[[[1]]]\n", LinesOptions(max_depth=2))


def test_rejects_input_over_max_total_size() -> None:
    """A whole input over max_total_size fails before splitting."""
    with pytest.raises(ParseError, match="max_total_size=5"):
        split_lines("1\n2\n3\n4\n", LinesOptions(max_total_size=5))


def test_skip_mode_drops_bad_lines_and_lists_them(ctx: StepContext) -> None:
    """With on_error='skip' bad lines are dropped and their numbers recorded in ctx.extra."""
    splitter = JsonLinesSplitter(LinesOptions(on_error="skip"))
    assert splitter.process("1\nnope\n3\n[NaN]\n", ctx) == [1, 3]
    assert ctx.extra["json.lines.skipped"] == [2, 4]


def test_options_are_strict() -> None:
    """Unknown json.lines options are rejected."""
    with pytest.raises(ValidationError):
        LinesOptions.model_validate({"on_eror": "skip"})
