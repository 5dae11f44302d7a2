"""docs/plugins/validator.md: its options tables are generated from the models.

Regenerate after changing a model with
``ORCHESTRION_UPDATE_DOCS=1 python -m pytest plugins/orchestrion-validator/tests -k docs``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from orchestrion.testing import check_options_tables
from orchestrion_validator import ModelOptions, SchemaOptions

PAGE = Path(__file__).resolve().parents[3] / "docs" / "plugins" / "validator.md"
MODELS: dict[str, type[BaseModel]] = {"SchemaOptions": SchemaOptions, "ModelOptions": ModelOptions}


def test_options_tables_match_the_models() -> None:
    """Every options block of the page is exactly what the model renders to."""
    check_options_tables(PAGE, MODELS, tables=False)  # the page shows mappings as "object"
