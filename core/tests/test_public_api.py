"""The public API is exactly what each public module's ``__all__`` lists."""

from __future__ import annotations

import importlib
import types

import pytest

PUBLIC_MODULES = [
    "orchestrion",
    "orchestrion.cli",
    "orchestrion.events",
    "orchestrion.exceptions",
    "orchestrion.hookspecs",
    "orchestrion.protocols",
    "orchestrion.streams",
    "orchestrion.testing",
]


# Names a module imports for its own use that are public elsewhere: the spec
# module needs the marker to mark its specs; it is exported by ``orchestrion``.
USED_NOT_EXPORTED = {"orchestrion.hookspecs": {"hookspec"}}


def public_names(module: types.ModuleType) -> set[str]:
    """Public names defined or re-exported by ``module``: everything without a
    leading underscore except helpers it imported for itself (``annotations``,
    ``TYPE_CHECKING``, library modules, classes and functions of other
    libraries) and its submodules (attributes only once imported, from anywhere)."""
    names = set()
    for name, value in vars(module).items():
        if name.startswith("_") and name != "__version__":
            continue
        if name in {"annotations", "TYPE_CHECKING"} | USED_NOT_EXPORTED.get(module.__name__, set()):
            continue
        if isinstance(value, types.ModuleType):
            continue
        if isinstance(value, type | types.FunctionType):
            if not value.__module__.startswith("orchestrion"):
                continue  # imported from another library, e.g. for annotations
        elif type(value).__module__ == "typing":
            continue  # ClassVar and other special forms
        names.add(name)
    return names


def exported(module: types.ModuleType) -> set[str]:
    """``module.__all__`` without the submodules it lists."""
    return {n for n in module.__all__ if not isinstance(getattr(module, n), types.ModuleType)}


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted(name: str) -> None:
    """__all__ is alphabetised (case-sensitive, as ruff sorts it)."""
    module = importlib.import_module(name)
    assert list(module.__all__) == sorted(module.__all__)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_names_exist(name: str) -> None:
    """Every name in __all__ can be imported."""
    module = importlib.import_module(name)
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert missing == []


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_matches_real_exports(name: str) -> None:
    """Nothing public is left out of __all__, and nothing extra is in it."""
    module = importlib.import_module(name)
    assert exported(module) == public_names(module)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_listed_submodules_are_public(name: str) -> None:
    """Submodules listed in __all__ are public modules (no leading underscore)."""
    module = importlib.import_module(name)
    for item in module.__all__:
        value = getattr(module, item)
        if isinstance(value, types.ModuleType):
            assert not value.__name__.rsplit(".", 1)[-1].startswith("_")
