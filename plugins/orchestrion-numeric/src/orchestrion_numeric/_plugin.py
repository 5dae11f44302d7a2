"""The ``numeric`` plugin: registrations, the ``has_numbers`` condition and
requirement analysis."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import islice
from typing import Any

from orchestrion import ComponentType, Condition, Config, DataProfile, hookimpl

from ._extract import Extractor, as_json_number, walk
from ._options import ExtractOptions, HasNumbersParams, StatsOptions
from ._scan import scan
from ._settings import SECTION, NumericSettings
from ._stats import Summariser

__all__ = ["NumericPlugin", "has_numbers", "plugin"]

# How many leaves of a structure the condition looks at.
_LEAF_BUDGET = 10_000


def _text_counts(text: str, params: HasNumbersParams) -> tuple[int, int]:
    sample = text[: params.sample]
    found = scan(
        sample,
        decimal_separator=params.decimal_separator,
        thousands_separator=params.thousands_separator,
    )
    return sum(1 for _ in found), len(sample.split())


def has_numbers(data: Any, params: HasNumbersParams) -> bool:
    """Whether ``data`` holds at least ``min_count`` numbers that also make up at
    least ``min_ratio`` of its words (text) or leaves (structures).

    Text is sampled (``params.sample`` characters); structures are looked at
    up to 10,000 leaves, each string leaf counting its words.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        data = bytes(data[: params.sample * 4]).decode("utf-8", "replace")
    if isinstance(data, str):
        numbers, words = _text_counts(data, params)
    elif isinstance(data, Mapping | list | tuple):
        numbers = words = 0
        for _, leaf, _offset in islice(walk(data), _LEAF_BUDGET):
            if isinstance(leaf, str):
                n, w = _text_counts(leaf, params)
                numbers, words = numbers + n, words + max(w, 1)
            else:
                numbers += as_json_number(leaf) is not None
                words += 1
    else:
        return as_json_number(data) is not None and params.min_count <= 1
    return numbers >= params.min_count and numbers >= params.min_ratio * max(words, 1)


def _has_numbers(data: Any, profile: DataProfile, params: HasNumbersParams) -> bool:
    if profile.format == "binary":
        return False
    return has_numbers(data, params)


class NumericPlugin:
    """The plugin object: :meth:`analyze_requirements` asks for
    ``numeric.extract`` then ``numeric.stats`` when ``has_numbers`` holds with
    the parameters of the ``[numeric]`` table of the orchestrator's
    configuration (see :class:`NumericSettings`).

    ``min_count`` and ``min_ratio`` given here win over the table, for an
    instance passed to an orchestrator in Python. The installed entry point is
    an instance without them, so the configuration applies.

    :raises pydantic.ValidationError: (a ``ValueError``) for a value out of range.
    """

    orchestrion_plugin_name = "numeric"

    def __init__(self, *, min_count: int | None = None, min_ratio: float | None = None) -> None:
        given = {"min_count": min_count, "min_ratio": min_ratio}
        overrides = {key: value for key, value in given.items() if value is not None}
        NumericSettings.model_validate(overrides)  # a bad value fails here, not at routing
        self._overrides = overrides

    def settings(self, config: Config) -> NumericSettings:
        """The settings this plugin uses under ``config`` (parsed once per Config).

        :raises ConfigError: naming the bad key of the ``[numeric]`` table.
        """
        return config.plugin_settings(SECTION, NumericSettings, self._overrides)

    @hookimpl
    def register_components(
        self, register: Callable[[ComponentType[Any]], None], config: Config
    ) -> None:
        """Register ``numeric.extract`` and ``numeric.stats``; a bad ``[numeric]``
        table fails here, when the orchestrator is built, rather than at the
        first routed item."""
        self.settings(config)
        register(
            ComponentType(
                name="numeric.extract",
                factory=Extractor,
                options=ExtractOptions,
                description=(
                    "Find the numbers in text or a structure: integers, decimals, signs, "
                    "exponents, thousands separators and percentages, each with its value, "
                    "JSON Pointer and character offsets; dates, times and versions are skipped."
                ),
                capabilities=frozenset({"numeric.extraction"}),
                after=("json.parse", "chunking.split"),
            )
        )
        register(
            ComponentType(
                name="numeric.stats",
                factory=Summariser,
                options=StatsOptions,
                description=(
                    "Summarise numbers (the output of numeric.extract or a list): count, sum, "
                    "mean, min, max, standard deviation, variance and percentiles."
                ),
                capabilities=frozenset({"numeric.statistics"}),
                after=("numeric.extract",),
            )
        )

    @hookimpl
    def register_conditions(self, register: Callable[[Condition[Any]], None]) -> None:
        """Register ``numeric.has_numbers``."""
        register(
            Condition(
                name="numeric.has_numbers",
                check=_has_numbers,
                params=HasNumbersParams,
                description=(
                    "The data holds at least `min_count` numbers, making up at least "
                    "`min_ratio` of its words or leaves (a lone digit in prose does not count)."
                ),
            )
        )

    @hookimpl
    def analyze_requirements(
        self, data: Any, profile: DataProfile, config: Config
    ) -> Sequence[str] | None:
        """Data with enough numbers needs ``numeric.extract`` then ``numeric.stats``."""
        if _has_numbers(data, profile, self.settings(config)):
            return ["numeric.extract", "numeric.stats"]
        return None


#: The instance the ``orchestrion`` entry point names.
plugin = NumericPlugin()
