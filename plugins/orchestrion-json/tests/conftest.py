"""Shared fixtures for orchestrion-json's tests."""

from __future__ import annotations

import pytest

from orchestrion import StepContext
from orchestrion.testing import make_step_context


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``@pytest.mark.anyio`` test on both asyncio and trio."""
    return str(request.param)


@pytest.fixture
def ctx() -> StepContext:
    """A step context for calling components' ``process`` directly."""
    return make_step_context("json.test")
