"""Shared fixtures for the llm plugin's tests.

``fake_llm_server`` comes from the plugin's own pytest plugin (the
``pytest11`` entry point), exactly as users get it.
"""

from __future__ import annotations

import pytest


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``@pytest.mark.anyio`` test on both asyncio and trio."""
    return str(request.param)
