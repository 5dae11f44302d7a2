"""``python -m orchestrion``: the same as the ``orchestrion`` command."""

from ._cli import main

main()
