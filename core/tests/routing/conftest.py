"""Fixtures for routing tests."""

from __future__ import annotations

import pytest
from routing_kit import Plug, component


@pytest.fixture
def basic() -> Plug:
    """A plugin with a few component types and no opinions."""
    return Plug("basic", components=[component(n) for n in ("a.one", "a.two", "a.three")])
