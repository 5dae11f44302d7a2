"""Throwaway distributions on ``sys.path``: real entry points without pip.

A folder holding ``NAME-VERSION.dist-info/`` (``METADATA`` and
``entry_points.txt``) next to the modules is, for :mod:`importlib.metadata`,
an installed distribution once the folder is on ``sys.path``. That is how
these tests (and plugin authors' tests) exercise discovery through real entry
points, e.g. a plugin next to a broken sibling, in milliseconds.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from pathlib import Path

__all__ = ["write_distribution"]


def write_distribution(
    root: str | Path,
    name: str,
    *,
    version: str = "1.0",
    entry_points: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
    group: str = "orchestrion",
) -> Path:
    """Write distribution ``name`` (``version``) under ``root`` and return the
    folder to put on ``sys.path`` (or ``PYTHONPATH``) to "install" it.

    ``entry_points`` maps entry-point names to targets (``"module:attr"`` or
    ``"module"``) in ``group``; ``files`` maps paths relative to the folder
    (``"my_plugin.py"``, ``"pkg/__init__.py"``) to their source text, which is
    dedented. Each call writes a fresh folder, so distributions do not see
    each other until both folders are on the path.
    """
    folder = Path(root) / f"{re.sub(r'[^A-Za-z0-9]+', '_', name)}-{version}-site"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = folder.with_name(f"{folder.name.rsplit('~', 1)[0]}~{suffix}")
    dist_info = folder / f"{re.sub(r'[-_.]+', '_', name)}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = [f"[{group}]"] + [f"{ep} = {target}" for ep, target in (entry_points or {}).items()]
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for relative, source in (files or {}).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return folder
