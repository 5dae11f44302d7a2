"""Orchestrion plugin ``numeric``: find numbers in text and data, and summarise them.

Registers ``numeric.extract`` (numbers with their JSON Pointers and character
offsets), ``numeric.stats`` (count, sum, mean, min, max, standard deviation,
percentiles), the condition ``numeric.has_numbers``, and asks for both
components when data holds enough numbers by the ``[numeric]`` configuration
table (:class:`NumericSettings`).
"""

from __future__ import annotations

from ._extract import Extraction as Extraction
from ._extract import Extractor as Extractor
from ._extract import Number as Number
from ._options import DEFAULT_MIN_COUNT as DEFAULT_MIN_COUNT
from ._options import DEFAULT_MIN_RATIO as DEFAULT_MIN_RATIO
from ._options import ExtractOptions as ExtractOptions
from ._options import HasNumbersParams as HasNumbersParams
from ._options import StatsOptions as StatsOptions
from ._plugin import NumericPlugin as NumericPlugin
from ._plugin import has_numbers as has_numbers
from ._scan import Found as Found
from ._scan import scan as scan
from ._settings import NumericSettings as NumericSettings
from ._stats import Stats as Stats
from ._stats import Summariser as Summariser

__all__ = [
    "DEFAULT_MIN_COUNT",
    "DEFAULT_MIN_RATIO",
    "ExtractOptions",
    "Extraction",
    "Extractor",
    "Found",
    "HasNumbersParams",
    "Number",
    "NumericPlugin",
    "NumericSettings",
    "Stats",
    "StatsOptions",
    "Summariser",
    "has_numbers",
    "scan",
]
