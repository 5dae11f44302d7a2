"""The public API of orchestrion_numeric is exactly what its __all__ lists."""

from __future__ import annotations

from pathlib import Path

import orchestrion_numeric


def test_all_is_sorted_and_matches_the_public_names() -> None:
    """__all__ is sorted, names only public objects, and misses none."""
    exported = orchestrion_numeric.__all__
    assert exported == sorted(exported)
    public = {n for n in vars(orchestrion_numeric) if not n.startswith("_") and n != "annotations"}
    assert set(exported) == public


def test_package_is_typed() -> None:
    """The package ships py.typed so type checkers read its annotations."""
    assert orchestrion_numeric.__file__ is not None
    assert (Path(orchestrion_numeric.__file__).parent / "py.typed").is_file()
