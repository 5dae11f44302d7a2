"""Built-in plugin ``core``: small general-purpose component types for text and
numbers (``core.lines``, ``core.count``, ``core.stats``, ``core.frequencies``,
``core.template``), enough to build useful workflows with no other plugin and
the workflow ``orchestrion demo`` runs."""

from __future__ import annotations

import re
import statistics
import string
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .._markers import hookimpl
from .._registrations import ComponentType
from ..exceptions import PermanentError
from ..protocols import StepContext

# Words: letters, with inner apostrophes (ASCII or typographic) and hyphens.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _text(data: Any, ctx: StepContext, what: str) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, bytes | bytearray):
        try:
            return bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = f"{what} expects UTF-8 text; byte {exc.start} is not valid UTF-8"
            raise PermanentError(msg, step=ctx.step, component=what) from None
    msg = f"{what} expects text, got {type(data).__name__}"
    raise PermanentError(msg, step=ctx.step, component=what)


# -- core.lines -------------------------------------------------------------------


class LinesOptions(_Options):
    """Options of ``core.lines``."""

    strip: bool = Field(default=True, description="Remove leading and trailing whitespace.")
    skip_blank: bool = Field(default=True, description="Leave out lines that are empty.")


class Lines:
    """Split text into lines (emits many: one item per line)."""

    def __init__(self, options: LinesOptions) -> None:
        self.options = options

    async def process(self, data: Any, ctx: StepContext) -> list[str]:
        """The lines of ``data``."""
        lines = _text(data, ctx, "core.lines").splitlines()
        if self.options.strip:
            lines = [line.strip() for line in lines]
        if self.options.skip_blank:
            lines = [line for line in lines if line.strip()]
        return lines


# -- core.count -------------------------------------------------------------------


class CountOptions(_Options):
    """Options of ``core.count``."""

    unit: Literal["items", "characters", "words", "lines"] = Field(
        default="items",
        description="What to count: items of a collection, or characters, words or lines of text.",
    )


class Count:
    """Count items of a collection, or characters, words or lines of text."""

    def __init__(self, options: CountOptions) -> None:
        self.unit = options.unit

    async def process(self, data: Any, ctx: StepContext) -> int:
        """The count."""
        if self.unit == "items":
            if isinstance(data, str | bytes) or not hasattr(data, "__len__"):
                msg = (
                    f"core.count with unit 'items' expects a collection, got {type(data).__name__}"
                )
                raise PermanentError(msg, step=ctx.step, component="core.count")
            return len(data)
        text = _text(data, ctx, "core.count")
        if self.unit == "characters":
            return len(text)
        if self.unit == "words":
            return len(_WORD.findall(text))
        return len(text.splitlines())


# -- core.stats -------------------------------------------------------------------


class StatsOptions(_Options):
    """Options of ``core.stats``."""

    field: str | None = Field(
        default=None,
        min_length=1,
        description="Take each number from this key of mapping items (default: the "
        "items are the numbers).",
    )
    digits: int = Field(default=4, ge=0, le=15, description="Round mean and median to this.")


class Stats:
    """Summary statistics of a sequence of numbers: count, sum, min, max, mean, median."""

    def __init__(self, options: StatsOptions) -> None:
        self.options = options

    async def process(self, data: Any, ctx: StepContext) -> dict[str, float | int | None]:
        """The statistics (``None`` where undefined for an empty input)."""
        if not isinstance(data, Sequence) or isinstance(data, str | bytes):
            msg = f"core.stats expects a list of numbers, got {type(data).__name__}"
            raise PermanentError(msg, step=ctx.step, component="core.stats")
        numbers: list[float] = []
        key = self.options.field
        for index, item in enumerate(data):
            value = item.get(key) if key is not None and isinstance(item, Mapping) else item
            if isinstance(value, bool) or not isinstance(value, int | float):
                where = f"item {index}" + (f" field {key!r}" if key else "")
                msg = f"core.stats: {where} is {type(value).__name__}, not a number"
                raise PermanentError(msg, step=ctx.step, component="core.stats")
            numbers.append(value)
        if not numbers:
            return {"count": 0, "sum": 0, "min": None, "max": None, "mean": None, "median": None}
        digits = self.options.digits
        return {
            "count": len(numbers),
            "sum": sum(numbers),
            "min": min(numbers),
            "max": max(numbers),
            "mean": round(statistics.fmean(numbers), digits),
            "median": round(statistics.median(numbers), digits),
        }


# -- core.frequencies ---------------------------------------------------------------


class FrequenciesOptions(_Options):
    """Options of ``core.frequencies``."""

    top: int = Field(default=10, ge=1, description="How many of the most frequent words.")
    min_length: int = Field(default=1, ge=1, description="Ignore words shorter than this.")
    case_sensitive: bool = Field(default=False, description="Count 'The' and 'the' apart.")
    stopwords: tuple[str, ...] = Field(default=(), description="Words never counted.")

    @field_validator("stopwords")
    @classmethod
    def _lower(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(w.lower() for w in value)


class Frequencies:
    """The most frequent words of a text (or of a list of texts), most frequent
    first; ties keep first-seen order. Runs in a worker thread (sync)."""

    def __init__(self, options: FrequenciesOptions) -> None:
        self.options = options
        self.stop = frozenset(options.stopwords)

    def process(self, data: Any, ctx: StepContext) -> dict[str, int]:
        """``{word: count}`` for the top words."""
        texts: Iterable[Any] = data if isinstance(data, list | tuple) else (data,)
        counts: Counter[str] = Counter()
        opts = self.options
        for text in texts:
            for word in _WORD.findall(_text(text, ctx, "core.frequencies")):
                key = word if opts.case_sensitive else word.lower()
                if len(key) >= opts.min_length and key.lower() not in self.stop:
                    counts[key] += 1
        return dict(counts.most_common(opts.top))


# -- core.template ------------------------------------------------------------------


class _DottedTemplate(string.Template):
    # ${a.b} looks up key "b" of the mapping under "a".
    idpattern = r"(?a:[_a-z][_a-z0-9]*(?:\.[_a-z0-9]+)*)"


def _render(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, Mapping):
        return ", ".join(f"{k} ({_render(v)})" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_render(v) for v in value)
    return str(value)


class TemplateOptions(_Options):
    """Options of ``core.template``."""

    template: str = Field(
        min_length=1,
        description="Text with $name or ${name.key} placeholders, filled from the input "
        "mapping (a non-mapping input is ${value}); $$ is a literal $.",
    )

    @field_validator("template")
    @classmethod
    def _well_formed(cls, value: str) -> str:
        if not _DottedTemplate(value).is_valid():
            msg = "malformed placeholder; write $name or ${name.key}, and $$ for a literal $"
            raise ValueError(msg)
        return value


class _Lookup(Mapping[str, str]):
    def __init__(self, data: Any, ctx: StepContext) -> None:
        self.data = data if isinstance(data, Mapping) else {"value": data}
        self.ctx = ctx

    def __getitem__(self, key: str) -> str:
        value: Any = self.data
        for part in key.split("."):
            if isinstance(value, Mapping) and part in value:
                value = value[part]
            elif isinstance(value, list | tuple) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                msg = f"core.template: placeholder ${{{key}}} has no value in the input"
                raise PermanentError(msg, step=self.ctx.step, component="core.template")
        return _render(value)

    def __iter__(self) -> Any:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


class Template:
    """Render text from the input: floats to 6 significant digits, lists as
    ``a, b``, mappings as ``key (value), ...``."""

    def __init__(self, options: TemplateOptions) -> None:
        self.template = _DottedTemplate(options.template)

    async def process(self, data: Any, ctx: StepContext) -> str:
        """The rendered text."""
        return self.template.substitute(_Lookup(data, ctx))


@hookimpl
def register_components(register: Callable[[ComponentType[Any]], None]) -> None:
    """Register the ``core.*`` component types."""
    register(
        ComponentType(
            name="core.lines",
            factory=Lines,
            options=LinesOptions,
            emits="many",
            description="Split text into lines; one item per line.",
            capabilities=frozenset({"text.lines"}),
        )
    )
    register(
        ComponentType(
            name="core.count",
            factory=Count,
            options=CountOptions,
            description="Count items, or characters, words or lines of text.",
            capabilities=frozenset({"text.count"}),
        )
    )
    register(
        ComponentType(
            name="core.stats",
            factory=Stats,
            options=StatsOptions,
            description="Count, sum, min, max, mean and median of numbers.",
            capabilities=frozenset({"numbers.summary"}),
        )
    )
    register(
        ComponentType(
            name="core.frequencies",
            factory=Frequencies,
            options=FrequenciesOptions,
            description="The most frequent words of a text or list of texts.",
            capabilities=frozenset({"text.frequencies"}),
        )
    )
    register(
        ComponentType(
            name="core.template",
            factory=Template,
            options=TemplateOptions,
            description="Render text from the input with $name placeholders.",
            capabilities=frozenset({"text.render"}),
        )
    )
