"""orchestrion-json: strict JSON for Orchestrion.

Component types ``json.parse``, ``json.lines``, ``json.select`` and
``json.dump``; conditions ``json.is_json`` and ``json.is_jsonl``; and the
requirement "text that is JSON is parsed first". The plugin itself is the
private module ``orchestrion_json._plugin``, found through the ``orchestrion``
entry point ``json``. This module re-exports the options models and the
helpers that are useful on their own.
"""

from __future__ import annotations

from ._detect import IsJsonlParams as IsJsonlParams
from ._detect import IsJsonParams as IsJsonParams
from ._dump import DumpOptions as DumpOptions
from ._dump import dump_json as dump_json
from ._lines import LinesOptions as LinesOptions
from ._lines import split_lines as split_lines
from ._parse import ParseOptions as ParseOptions
from ._parse import parse_json as parse_json
from ._pointer import SelectOptions as SelectOptions
from ._pointer import resolve_pointer as resolve_pointer

__all__ = [
    "DumpOptions",
    "IsJsonParams",
    "IsJsonlParams",
    "LinesOptions",
    "ParseOptions",
    "SelectOptions",
    "dump_json",
    "parse_json",
    "resolve_pointer",
    "split_lines",
]
