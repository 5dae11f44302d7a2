"""docs/plugins/llm.md: its options tables are generated from the models.

Regenerate after changing a model with
``ORCHESTRION_UPDATE_DOCS=1 python -m pytest plugins/orchestrion-llm/tests -k docs``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from orchestrion.testing import check_options_tables
from orchestrion_llm import (
    AgentOptions,
    ClassifyOptions,
    LabelIsParams,
    LlmSettings,
    OpenAIEndpointSettings,
    ScriptedAnswer,
    ScriptedEndpointSettings,
)

PAGE = Path(__file__).resolve().parents[3] / "docs" / "plugins" / "llm.md"
MODELS: dict[str, type[BaseModel]] = {
    "AgentOptions": AgentOptions,
    "ClassifyOptions": ClassifyOptions,
    "LabelIsParams": LabelIsParams,
    "LlmSettings": LlmSettings,
    "OpenAIEndpointSettings": OpenAIEndpointSettings,
    "ScriptedAnswer": ScriptedAnswer,
    "ScriptedEndpointSettings": ScriptedEndpointSettings,
}


def test_options_tables_match_the_models() -> None:
    """Every options block of the page is exactly what the model renders to."""
    check_options_tables(PAGE, MODELS)
