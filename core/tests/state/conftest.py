"""Fixtures of the state-store tests (see ``_kit``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orchestrion import Orchestrator, Workflow

from ._kit import StatePlugin, fan_workflow


@pytest.fixture
def plugin() -> StatePlugin:
    """A fresh logging plugin."""
    return StatePlugin()


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    """A path for an SQLite state file (not yet created)."""
    return tmp_path / "state" / "runs.sqlite"


@pytest.fixture
def make_orch(plugin: StatePlugin) -> Callable[..., Orchestrator]:
    """Builds orchestrators with only the built-ins and ``plugin`` (and ``extra``)."""

    def make(state: Any, *extra: object) -> Orchestrator:
        return Orchestrator(
            plugins=[plugin, *extra], state=state, env={"ORCHESTRION_DISABLE_AUTOLOAD": "1"}
        )

    return make


@pytest.fixture
def workflow() -> Workflow:
    """The fan-out-and-chain workflow of :func:`fan_workflow`."""
    return fan_workflow()
