"""docs/plugins/numeric.md: its options tables are generated from the models.

Regenerate after changing a model with
``ORCHESTRION_UPDATE_DOCS=1 python -m pytest plugins/orchestrion-numeric/tests -k docs``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from orchestrion.testing import check_options_tables
from orchestrion_numeric import ExtractOptions, HasNumbersParams, NumericSettings, StatsOptions

PAGE = Path(__file__).resolve().parents[3] / "docs" / "plugins" / "numeric.md"
MODELS: dict[str, type[BaseModel]] = {
    "ExtractOptions": ExtractOptions,
    "StatsOptions": StatsOptions,
    "HasNumbersParams": HasNumbersParams,
    "NumericSettings": NumericSettings,
}


def test_options_tables_match_the_models() -> None:
    """Every options block of the page is exactly what the model renders to."""
    check_options_tables(PAGE, MODELS)
