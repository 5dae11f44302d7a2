"""Pydantic models imported by path in the validator.model tests."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Address(BaseModel):
    """A postal address."""

    city: str
    zip: str = Field(pattern=r"^[0-9]{5}$")


class User(BaseModel):
    """A user record."""

    id: int
    name: str = Field(max_length=10)
    address: Address
    tags: list[str] = []


NOT_A_MODEL = 42
