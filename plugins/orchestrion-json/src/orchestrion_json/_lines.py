"""``json.lines``: JSON Lines text split into one parsed record per line (fan-out)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from orchestrion import StepContext
from orchestrion.exceptions import ParseError

from ._parse import DEFAULT_MAX_SIZE, ParseOptions, Problem, as_text_or_bytes, load_strict

__all__ = ["JsonLinesSplitter", "LinesOptions", "split_lines"]


class LinesOptions(ParseOptions):
    """Options of ``json.lines``; ``max_size`` and ``max_depth`` apply to each line."""

    max_total_size: int = Field(
        default=16 * DEFAULT_MAX_SIZE,
        ge=1,
        description="Largest accepted whole input, in bytes (for bytes) or characters (for text).",
    )
    on_error: Literal["fail", "skip"] = Field(
        default="fail",
        description="'fail': a bad line fails the step, naming its line number; 'skip': bad "
        "lines are dropped and their numbers listed in ctx.extra['json.lines.skipped'].",
    )


def split_lines(data: Any, options: LinesOptions, skipped: list[int] | None = None) -> list[Any]:
    """Parse every non-blank line of JSON Lines ``data`` (str or bytes).

    Line numbers are 1-based and count blank lines, so they match an editor's.
    A bad line raises :class:`~orchestrion.exceptions.ParseError` naming it,
    unless ``on_error="skip"``, when its number is appended to ``skipped``.
    """
    text = as_text_or_bytes(data, "json.lines")
    if len(text) > options.max_total_size:
        msg = (
            f"JSON Lines input of size {len(text)} exceeds max_total_size="
            f"{options.max_total_size}; raise the option or stream the input instead"
        )
        raise ParseError(msg)
    # Split on "\n" only (JSON Lines' separator); a trailing "\r" is JSON
    # whitespace and parses away, so CRLF files work too.
    lines: list[str | bytes] = list(
        text.split("\n") if isinstance(text, str) else text.split(b"\n")
    )
    records: list[Any] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            records.append(load_strict(line, options))
        except Problem as problem:
            if options.on_error == "fail":
                # The line is the file's; the column is within that line.
                msg = f"JSON Lines record on line {number}: {problem.reason}"
                raise ParseError(msg, line=number, column=problem.column or 1) from None
            if skipped is not None:
                skipped.append(number)
    return records


class JsonLinesSplitter:
    """The ``json.lines`` component: emits one parsed record per non-blank line."""

    def __init__(self, options: LinesOptions) -> None:
        self.options = options

    def process(self, data: Any, ctx: StepContext) -> list[Any]:
        """The parsed records of JSON Lines ``data``, in order."""
        skipped: list[int] = []
        records = split_lines(data, self.options, skipped)
        if skipped:
            ctx.extra["json.lines.skipped"] = skipped
        return records
