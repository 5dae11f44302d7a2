"""docs/plugins/dask.md: its options table is generated from the model.

Regenerate after changing the model with
``ORCHESTRION_UPDATE_DOCS=1 python -m pytest plugins/orchestrion-dask/tests -k docs``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from orchestrion.testing import check_options_tables
from orchestrion_dask import DaskExecutorOptions

PAGE = Path(__file__).resolve().parents[3] / "docs" / "plugins" / "dask.md"
MODELS: dict[str, type[BaseModel]] = {"DaskExecutorOptions": DaskExecutorOptions}


def test_options_table_matches_the_model() -> None:
    """The page's options block is exactly what the options model renders to."""
    check_options_tables(PAGE, MODELS)
