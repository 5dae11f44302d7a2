"""pytest plugin of orchestrion-llm (entry point ``orchestrion_llm`` in
``pytest11``): the fixture ``fake_llm_server``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._server import FakeChatServer


@pytest.fixture
def fake_llm_server() -> Iterator[FakeChatServer]:
    """A started :class:`~orchestrion_llm.testing.FakeChatServer`, stopped after
    the test; queue replies with ``add()`` and point an endpoint at it with
    ``endpoint_settings()``."""
    with FakeChatServer() as server:
        yield server
