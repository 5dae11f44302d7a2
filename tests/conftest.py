"""Shared fixtures for the cross-package tests: the anyio backends and
throwaway virtual environments with really installed distributions.

A :class:`Venv` is a fresh ``python -m venv`` (no system site-packages) into
which distributions are installed with pip, so entry points, console scripts
and metadata are exactly what a user gets from ``pip install``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The repository root (``tests/`` is directly below it).
REPO = Path(__file__).resolve().parent.parent

# Generous: a cold pip cache may have to download the core's dependencies.
_INSTALL_TIMEOUT = 600.0
_RUN_TIMEOUT = 120.0

# Variables that would make a child process pick up the outer environment's
# packages or plugin selection instead of the venv's own.
_LEAKY_ENV = (
    "PYTHONPATH",
    "PYTHONHOME",
    "VIRTUAL_ENV",
    "PYTHONSTARTUP",
    "ORCHESTRION_PLUGINS",
    "ORCHESTRION_DISABLE_PLUGINS",
    "ORCHESTRION_DISABLE_AUTOLOAD",
    "ORCHESTRION_STRICT_PLUGINS",
)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every ``@pytest.mark.anyio`` test on both asyncio and trio."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _private_state_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CLI runs record into the default state file: keep it out of the user's
    data directory (and apart per test)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("ORCHESTRION_STATE", raising=False)


@dataclass(frozen=True, slots=True)
class Venv:
    """A throwaway virtual environment and helpers to install into and run in it."""

    path: Path

    @property
    def bindir(self) -> Path:
        """The directory holding the venv's interpreter and console scripts."""
        return self.path / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.bindir / ("python.exe" if os.name == "nt" else "python")

    def script(self, name: str) -> Path:
        """A console script installed into the venv (``orchestrion``)."""
        return self.bindir / (f"{name}.exe" if os.name == "nt" else name)

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """The outer environment without anything that leaks packages or a
        plugin selection in, plus ``extra``."""
        env = {k: v for k, v in os.environ.items() if k not in _LEAKY_ENV}
        env["PATH"] = f"{self.bindir}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONNOUSERSITE"] = "1"
        env["NO_COLOR"] = "1"
        env["COLUMNS"] = "200"
        env.update(extra or {})
        return env

    def pip_install(self, *args: str | Path) -> None:
        """``pip install ARGS`` into the venv; a failure shows pip's output."""
        cmd = [str(self.python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        proc = subprocess.run(
            [*cmd, *map(str, args)],
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=_INSTALL_TIMEOUT,
            check=False,
        )
        if proc.returncode != 0:
            pytest.fail(f"pip install {' '.join(map(str, args))} failed:\n{proc.stderr[-4000:]}")

    def run(
        self,
        *args: str | Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run a command (a console script name is looked up in the venv first)."""
        head = str(args[0])
        exe = self.script(head)
        argv = [str(exe) if exe.exists() else head, *map(str, args[1:])]
        return subprocess.run(
            argv,
            capture_output=True,
            text=True,
            env=self.env(env),
            cwd=cwd,
            timeout=_RUN_TIMEOUT,
            check=False,
        )


def make_venv(path: Path) -> Venv:
    """Create a fresh venv at ``path`` with the running interpreter's version."""
    subprocess.run(
        [sys.executable, "-m", "venv", str(path)],
        check=True,
        capture_output=True,
        timeout=_INSTALL_TIMEOUT,
    )
    return Venv(path)


def write_plugin_package(
    root: Path,
    *,
    distribution: str,
    version: str,
    entry_point: str,
    module: str,
    source: str,
) -> Path:
    """Write a minimal installable plugin distribution (hatchling, src layout)
    whose entry point ``entry_point`` in group ``orchestrion`` names ``module``,
    a package whose ``__init__.py`` is ``source``. Returns its folder."""
    folder = root / distribution
    package = folder / "src" / module
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
    (folder / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [project]
            name = "{distribution}"
            version = "{version}"
            requires-python = ">=3.11"
            dependencies = ["orchestrion"]

            [project.entry-points.orchestrion]
            {entry_point} = "{module}"

            [tool.hatch.build.targets.wheel]
            packages = ["src/{module}"]
            """
        ),
        encoding="utf-8",
    )
    return folder


class VenvFactory:
    """Creates throwaway venvs and plugin packages under one temporary folder.

    Handed to tests and fixtures by the ``venv_factory`` fixture (conftest
    modules are not meant to be imported at run time; import the type under
    ``TYPE_CHECKING`` for annotations).
    """

    repo: Path = REPO

    def __init__(self, root: Path) -> None:
        self.root = root

    def create(self, name: str) -> Venv:
        """A fresh venv in a new folder ``name`` under the factory's root."""
        return make_venv(self.root / name)

    def plugin_package(
        self, *, distribution: str, version: str, entry_point: str, module: str, source: str
    ) -> Path:
        """A minimal plugin distribution; see :func:`write_plugin_package`."""
        return write_plugin_package(
            self.root / "packages",
            distribution=distribution,
            version=version,
            entry_point=entry_point,
            module=module,
            source=source,
        )


@pytest.fixture(scope="session")
def venv_factory(tmp_path_factory: pytest.TempPathFactory) -> VenvFactory:
    """A :class:`VenvFactory` rooted in a session-wide temporary folder."""
    return VenvFactory(tmp_path_factory.mktemp("venvs"))
