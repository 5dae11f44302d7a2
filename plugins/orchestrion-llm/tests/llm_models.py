"""Output models the tests name by import path (``llm_models:Invoice``)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Invoice(BaseModel):
    """An extracted invoice."""

    number: str
    total: float = Field(ge=0)
    currency: Literal["EUR", "USD"] = "EUR"


class Summary(BaseModel):
    """A chunk's summary."""

    summary: str
