"""The ``orchestrion`` command line (click)."""

from __future__ import annotations


def main() -> None:
    """Entry point of the ``orchestrion`` command."""
    from ._app import main as _main

    _main()
