"""docs/plugins/json.md: its options tables are generated from the models.

Regenerate after changing a model with
``ORCHESTRION_UPDATE_DOCS=1 python -m pytest plugins/orchestrion-json/tests -k docs``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from orchestrion.testing import check_options_tables
from orchestrion_json import (
    DumpOptions,
    IsJsonlParams,
    IsJsonParams,
    LinesOptions,
    ParseOptions,
    SelectOptions,
)

PAGE = Path(__file__).resolve().parents[3] / "docs" / "plugins" / "json.md"
MODELS: dict[str, type[BaseModel]] = {
    "ParseOptions": ParseOptions,
    "LinesOptions": LinesOptions,
    "SelectOptions": SelectOptions,
    "DumpOptions": DumpOptions,
    "IsJsonParams": IsJsonParams,
    "IsJsonlParams": IsJsonlParams,
}


def test_options_tables_match_the_models() -> None:
    """Every options block of the page is exactly what the model renders to."""
    check_options_tables(PAGE, MODELS)
