"""Fixtures of the engine tests: a fresh test plugin and orchestrators using it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orchestrion import Orchestrator

from ._kit import Kit


@pytest.fixture
def kit() -> Kit:
    """A fresh test plugin."""
    return Kit()


@pytest.fixture
def make_orch(kit: Kit) -> Callable[..., Orchestrator]:
    """Build an orchestrator with only the built-ins and the test plugin."""

    def make(**config: Any) -> Orchestrator:
        return Orchestrator(
            plugins=[kit],
            config={"plugins": {"autoload": False}, **config},
            env={},
        )

    return make
