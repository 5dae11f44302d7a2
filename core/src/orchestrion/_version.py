"""The installed version of the core distribution."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("orchestrion")
except metadata.PackageNotFoundError:  # pragma: no cover - a source tree, not installed
    __version__ = "0+unknown"
