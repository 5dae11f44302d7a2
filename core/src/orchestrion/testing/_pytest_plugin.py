"""pytest plugin (``pytest11`` entry point ``orchestrion``): fixtures for plugin authors.

It is active in every pytest run of an environment where ``orchestrion`` is
installed, so it imports nothing of Orchestrion until a fixture is used.

- ``orchestrion_factory(*plugins, **kwargs)``: :func:`orchestrion.testing.make_orchestrator`;
  the orchestrators it built are closed after the test.
- ``hook_recorder(orchestrator)``: a :class:`orchestrion.testing.HookRecorder`,
  closed after the test.
- ``orchestrion_distribution(name, entry_points=..., files=...)``: write a
  throwaway distribution with real entry points
  (:func:`orchestrion.testing.write_distribution`) and put it on ``sys.path``
  and ``PYTHONPATH`` (for subprocesses) for the test; the modules it imported
  are forgotten afterwards.
- ``orchestrion_instant_retries``: retry waits take no time for the test
  (:func:`orchestrion.testing.set_testing`); each policy keeps its attempts.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from orchestrion import Orchestrator
    from orchestrion.testing import HookRecorder


@pytest.fixture
def orchestrion_factory() -> Iterator[Callable[..., Orchestrator]]:
    """Build orchestrators with ``make_orchestrator``; close them after the test."""
    from orchestrion.testing import make_orchestrator

    built: list[Orchestrator] = []

    def factory(*plugins: object, **kwargs: Any) -> Orchestrator:
        orchestrator = make_orchestrator(*plugins, **kwargs)
        built.append(orchestrator)
        return orchestrator

    yield factory
    for orchestrator in reversed(built):
        orchestrator.close()


@pytest.fixture
def hook_recorder() -> Iterator[Callable[[Any], HookRecorder]]:
    """Attach a ``HookRecorder`` to an orchestrator; detach it after the test."""
    from orchestrion.testing import HookRecorder

    recorders: list[HookRecorder] = []

    def attach(target: Any) -> HookRecorder:
        recorder = HookRecorder(target)
        recorders.append(recorder)
        return recorder

    yield attach
    for recorder in reversed(recorders):
        recorder.close()


@pytest.fixture
def orchestrion_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Path]]:
    """Write throwaway distributions with real entry points and "install"
    them (on ``sys.path`` and ``PYTHONPATH``) for the duration of the test."""
    from orchestrion.testing import write_distribution

    modules: set[str] = set()

    def install(name: str, **kwargs: Any) -> Path:
        folder = write_distribution(tmp_path / "dists", name, **kwargs)
        for relative in kwargs.get("files") or {}:
            modules.add(Path(relative).parts[0].removesuffix(".py"))
        monkeypatch.syspath_prepend(str(folder))
        paths = [str(folder), *filter(None, [os.environ.get("PYTHONPATH")])]
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
        return folder

    yield install
    for name in list(sys.modules):
        if name.split(".", 1)[0] in modules:
            del sys.modules[name]


@pytest.fixture
def orchestrion_instant_retries() -> Iterator[None]:
    """Make retry waits instant for the duration of the test (attempts unchanged)."""
    from orchestrion.testing import set_testing

    with set_testing(True):
        yield
